"""The home page's plans: the person's own (or those they act for), those they coordinate, and
the relay logs they hold or are asked to take over."""

from __future__ import annotations

from accounts.models import StaffMembership
from plans.models import Plan
from plans.selectors import (
    handovers_waiting_for,
    plans_coordinated_first,
    plans_for_owner_side,
)

HOME_PLAN_LIMIT = 10
Role = StaffMembership.Role


def home_part(request, context: dict) -> dict:
    user = request.user
    roles = context["roles"]
    part: dict = {"own_plans": list(plans_for_owner_side(user=user))}
    if roles.has(Role.COORDINATOR):
        # Listed by name, status and evaluation date: no plan health counted for them.
        shown, count = plans_coordinated_first(user=user, limit=HOME_PLAN_LIMIT)
        part["coordinated_plans"], part["coordinated_count"] = shown, count
        # Coordinators see their relay logs among the plans they hold.
        part["relay_holder"] = "coordinator"
    elif roles.has(Role.PROFESSIONAL):
        part["relay_holder"] = "professional"
        part["held_relay_logs"] = list(
            Plan.objects.filter(coordinator=user, kind=Plan.Kind.RELAY_LOG)
            .exclude(status=Plan.Status.CLOSED)
            .select_related("owner")
            .order_by("owner__first_name", "pk")[:HOME_PLAN_LIMIT]
        )
    if part.get("relay_holder"):
        part["relay_handovers"] = handovers_waiting_for(user=user, kind=Plan.Kind.RELAY_LOG)
    return part
