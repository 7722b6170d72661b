"""The home page's plans: the person's own (or those they act for) and those they coordinate."""

from __future__ import annotations

from accounts.models import StaffMembership
from plans.selectors import coordinator_plans, plans_for_owner_side

HOME_PLAN_LIMIT = 10


def home_part(request, context: dict) -> dict:
    user = request.user
    part: dict = {"own_plans": list(plans_for_owner_side(user=user))}
    if context["roles"].has(StaffMembership.Role.COORDINATOR):
        coordinated = coordinator_plans(user=user)
        part["coordinated_plans"] = list(coordinated[:HOME_PLAN_LIMIT])
        part["coordinated_count"] = coordinated.count()
    return part
