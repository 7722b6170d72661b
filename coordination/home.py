"""The home page's next meeting and unread messages for the person's own plans, and the
meetings of other people's plans the person is invited to."""

from __future__ import annotations

from accounts.models import StaffMembership
from coordination.selectors import (
    families_coordinated_by,
    families_of_parent,
    home_summaries,
    meetings_invited_to,
)

HOME_FAMILY_LIMIT = 50


def home_part(request, context: dict) -> dict:
    own = context["own_plans"]
    summaries = home_summaries(request.user, own)
    for plan in own:
        plan.summary = summaries[plan.pk]
    invited = meetings_invited_to(request.user, exclude_plan_ids=[p.pk for p in own])
    return {"invited_meetings": invited}


def family_home_part(request, context: dict) -> dict:
    """The parents see their family's workspace; a barnekoordinator sees their families."""
    part = {"own_families": families_of_parent(request.user)}
    if context["roles"].has(StaffMembership.Role.COORDINATOR):
        coordinated = families_coordinated_by(request.user)
        part["coordinated_families"] = list(coordinated[:HOME_FAMILY_LIMIT])
        part["coordinated_family_count"] = (
            len(part["coordinated_families"])
            if len(part["coordinated_families"]) < HOME_FAMILY_LIMIT
            else coordinated.count()
        )
    return part
