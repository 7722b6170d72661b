"""The home page's plans the person takes part in by the owner's grants."""

from __future__ import annotations

from consent.policy import participating_plans
from plans.home import HOME_PLAN_LIMIT


def home_part(request, context: dict) -> dict:
    # The home page names plans (whose, who coordinates them, their status and next date), no
    # section's content: like a list, it writes no access-log entry (issue 14).
    participating = list(
        participating_plans(request.user).select_related("owner", "coordinator")[:HOME_PLAN_LIMIT]
    )
    return {"participating_plans": participating}
