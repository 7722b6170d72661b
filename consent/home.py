"""The home page's plans the person takes part in by the owner's grants, and the access-log
entry for every plan the page shows (one per plan, written once for the whole page)."""

from __future__ import annotations

from consent.models import AccessLogEntry
from consent.policy import participating_plans, plan_access_many
from consent.reads import log_read
from plans.home import HOME_PLAN_LIMIT
from plans.sections import OVERVIEW


def home_part(request, context: dict) -> dict:
    participating = list(
        participating_plans(request.user).select_related("owner", "coordinator")[:HOME_PLAN_LIMIT]
    )
    shown = [*context["own_plans"], *context.get("coordinated_plans", []), *participating]
    for access in plan_access_many(request.user, shown):
        if access.allowed:
            log_read(request, access, OVERVIEW, action=AccessLogEntry.Action.LIST)
    return {"participating_plans": participating}
