"""Min plan: the owner's own plan in plain words a ten-year-old can read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from plans.extensions import overview_extensions
from plans.sections import Section
from plans.selectors import my_plan
from plans.views.helpers import load_plan, log_read

OWNER_ONLY = _("«Min plan» er planeierens egen visning av planen.")
SHOWN = (Section.GOALS, Section.MEASURES, Section.PARTICIPANTS, Section.MEETINGS)


def my_plan_view(request, plan_id):
    plan, access = load_plan(request, plan_id)
    if access.voice != "owner":
        raise PermissionDenied(OWNER_ONLY)
    log_read(request, access, *SHOWN)
    context = {"plan": plan, "access": access, "mine": my_plan(plan, access)}
    context.update(overview_extensions(plan, access, request.user))
    return render(request, "plans/my_plan.html", context)
