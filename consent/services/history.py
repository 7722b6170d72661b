"""The plan's visible change history; each entry also writes its access-log row."""

from __future__ import annotations

from consent.policy import PlanAccess
from consent.services.access_log import access_log_write
from plans.models import Plan, PlanChange


def plan_change_record(
    *,
    plan: Plan,
    access: PlanAccess,
    actor,
    action: str,
    section: str,
    target,
    summary: str,
    fields=(),
    mentions=(),
) -> None:
    """The plan's visible history, and the access-log row, for one write. `mentions`: the
    other sections the summary names; only readers of all of them see the entry."""
    PlanChange.objects.create(
        plan=plan,
        actor=actor,
        section=section,
        action=action,
        summary=str(summary)[:300],
        fields=list(fields),
        mentions=PlanChange.mentions_value(set(mentions) - {section}),
    )
    access_log_write(access=access, actor=actor, action=action, section=section, target=target)
