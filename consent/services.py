"""Writes of the consent app. Every read and write of plan data is logged through here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from consent.models import AccessLogEntry
from consent.policy import PlanAccess

Action = AccessLogEntry.Action


def _entry(access: PlanAccess, actor, action: str, section: str, target) -> AccessLogEntry:
    return AccessLogEntry(
        plan_id=access.plan.pk,
        actor=actor,
        actor_role=access.role or AccessLogEntry.ActorRole.SYSTEM,
        organisation_name=access.organisation_name,
        action=action,
        section=section,
        object_type=target._meta.model_name if isinstance(target, models.Model) else "",
        object_id=target.pk if isinstance(target, models.Model) else None,
    )


def access_log_write(
    *, access: PlanAccess, actor, action: str, section: str, target=None
) -> AccessLogEntry:
    entry = _entry(access, actor, action, section, target)
    entry.save()
    return entry


def access_log_read_sections(*, access: PlanAccess, actor, sections: Iterable[str]) -> None:
    """One row per section shown on a page, in one INSERT."""
    AccessLogEntry.objects.bulk_create(
        [_entry(access, actor, Action.READ, section, None) for section in sections]
    )


def access_log_write_many(
    *, accesses: Iterable[PlanAccess], actor, action: str, section: str
) -> None:
    """One INSERT for a page that shows several plans (a list): the query count stays flat."""
    AccessLogEntry.objects.bulk_create(
        [_entry(access, actor, action, section, None) for access in accesses]
    )
