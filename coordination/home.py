"""The home page's next meeting and unread messages for the person's own plans."""

from __future__ import annotations

from coordination.selectors import home_summaries


def home_part(request, context: dict) -> dict:
    own = context["own_plans"]
    summaries = home_summaries(request.user, own)
    for plan in own:
        plan.summary = summaries[plan.pk]
    return {}
