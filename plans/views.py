from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from consent.policy import plan_access
from consent.services import access_log_write_many
from plans.selectors import coordinator_plans


def coordinator_list(request):
    page = Paginator(coordinator_plans(user=request.user), 25).get_page(request.GET.get("page"))
    access_log_write_many(
        accesses=[plan_access(request.user, plan) for plan in page],
        actor=request.user,
        action="list",
        section="overview",
    )
    return render(request, "plans/coordinator_list.html", {"page_obj": page})
