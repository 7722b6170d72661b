"""The home page's next meeting and unread messages for the person's own plans, and the
meetings of other people's plans the person is invited to."""

from __future__ import annotations

from coordination.selectors import home_summaries, meetings_invited_to


def home_part(request, context: dict) -> dict:
    own = context["own_plans"]
    summaries = home_summaries(request.user, own)
    for plan in own:
        plan.summary = summaries[plan.pk]
    invited = meetings_invited_to(request.user, exclude_plan_ids=[p.pk for p in own])
    return {"invited_meetings": invited}
