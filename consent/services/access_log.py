"""The access log: one entry per write, and one per plan a request showed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models

from accounts.models import StaffMembership
from accounts.roles import user_roles
from consent.models import AccessLogEntry
from consent.policy import PlanAccess
from plans.sections import OVERVIEW

Action = AccessLogEntry.Action


def _entry(
    access: PlanAccess, actor, action: str, section: str, target, sections=()
) -> AccessLogEntry:
    sections = list(dict.fromkeys(sections or [section]))
    return AccessLogEntry(
        plan_id=access.plan.pk,
        actor=actor,
        actor_role=access.role or AccessLogEntry.ActorRole.SYSTEM,
        organisation_name=_service_name(access, actor),
        action=action,
        section=section,
        sections=sections,
        grant_ids=access.grant_ids_for(sections),
        object_type=target._meta.model_name if isinstance(target, models.Model) else "",
        object_id=target.pk if isinstance(target, models.Model) else None,
    )


def _service_name(access: PlanAccess, actor) -> str:
    """A participant's service comes with the grant; a coordinator's with their role (read
    once per request for the access check): "Kari Nilsen, koordinator, Hjemmetjenesten"."""
    if access.organisation_name or not access.is_coordinator or actor is None:
        return access.organisation_name
    return user_roles(actor).service_name(
        StaffMembership.Role.COORDINATOR, access.plan.municipality_id
    )


def access_log_write(
    *, access: PlanAccess, actor, action: str, section: str, target=None, sections=()
) -> AccessLogEntry:
    """A write (or a system event such as a case file): one entry of its own, at once."""
    entry = _entry(access, actor, action, section, target, sections=sections)
    entry.save()
    return entry


@dataclass
class PlanRead:
    """What one request showed of one plan: gathered while the view runs, written once."""

    access: PlanAccess
    action: str = Action.LIST
    sections: dict = field(default_factory=dict)  # an ordered set
    targets: list = field(default_factory=list)

    def add(self, sections: Iterable[str], action: str, target) -> None:
        self.sections.update(dict.fromkeys(sections))
        # What the request was: a download or export over a page read over a line in a list.
        if _weight(action) > _weight(self.action):
            self.action = action
        if target is not None and target not in self.targets:
            self.targets.append(target)

    def entry(self, actor) -> AccessLogEntry:
        sections = list(self.sections)
        # The main section: the first one named beside the overview that every page shows.
        main = next((s for s in sections if s != OVERVIEW), OVERVIEW)
        target = self.targets[0] if len(self.targets) == 1 else None
        return _entry(self.access, actor, self.action, main, target, sections=sections)


def _weight(action: str) -> int:
    return {Action.LIST: 0, Action.READ: 1}.get(action, 2)


def access_log_entries(*, reads: Iterable[PlanRead], actor) -> list[AccessLogEntry]:
    """One entry per plan a request showed, in one INSERT. A page view shows one plan: its
    entry is saved on its own, a single statement that needs no transaction around it
    (bulk_create opens one: BEGIN, INSERT, COMMIT, three round trips and a quarter more CPU
    for every page view, issue 14). Several plans (a download holding more) go in one
    bulk INSERT."""
    entries = [read.entry(actor) for read in reads]
    if len(entries) == 1:
        entries[0].save(force_insert=True)
        return entries
    return AccessLogEntry.objects.bulk_create(entries)
