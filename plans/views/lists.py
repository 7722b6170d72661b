from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from accounts.models import StaffMembership
from accounts.roles import user_roles
from plans.selectors import coordinator_list_page, handovers_waiting_for


def coordinator_list(request):
    if not user_roles(request.user).has(StaffMembership.Role.COORDINATOR):
        raise Http404
    include_closed = request.GET.get("closed") == "1"
    # A list shows whose plans they are, their status and counts (overdue measures, missing
    # health items), no section's content: it writes no access-log entry (issue 14).
    page, rows = coordinator_list_page(
        user=request.user, include_closed=include_closed, number=request.GET.get("page")
    )
    return render(
        request,
        "plans/coordinator_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "include_closed": include_closed,
            "query": "closed=1" if include_closed else "",
            "handovers": handovers_waiting_for(user=request.user),
        },
    )
