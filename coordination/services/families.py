"""The barnekoordinator's family workspace: made when the coordinating unit appoints the
barnekoordinator, kept up to date by the barnekoordinator (the statutory tasks, the services
involved and their contact people, the child's plan), read by the parents, and closed when
the child turns 18 or the need ends. Every read and change is logged for the parents."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.policy import FamilyAccess, family_access, plan_access
from plans.models import Family, FamilyService, FamilyTask, Plan
from plans.services.family import family_log

ONLY_THE_COORDINATOR = _("Bare barnekoordinatoren kan endre familiens side.")
FAMILY_CLOSED = _("Familiens side er avsluttet og kan ikke endres.")
DONE_NEEDS_DATE = _("Skriv datoen oppgaven ble gjort.")
DATE_IN_FUTURE = _("Datoen kan ikke være fram i tid.")
NOT_THE_CHILDS_PLAN = _("Planen må være barnets egen plan, og du må være koordinator for den.")
CLOSE_NEEDS_REASON = _("Velg hvorfor barnekoordinatoren avsluttes.")
NOT_YET_18 = _("Barnet har ikke fylt 18 år. Velg en annen grunn.")


def _access(family: Family, user) -> FamilyAccess:
    return family_access(
        user,
        municipality_id=family.municipality_id,
        child_id=family.child_id,
        coordinator_id=family.coordinator_id,
    )


def _require_coordinator(family: Family, user) -> None:
    if not _access(family, user).is_coordinator:
        raise PermissionDenied(ONLY_THE_COORDINATOR)
    if not family.is_active:
        raise ValidationError(FAMILY_CLOSED, code="closed")


@transaction.atomic
def family_task_update(
    *, task: FamilyTask, state: str, done_on: datetime.date | None, note: str, acting_user
) -> FamilyTask:
    family = task.family
    _require_coordinator(family, acting_user)
    if state == FamilyTask.State.DONE and done_on is None:
        raise ValidationError({"done_on": DONE_NEEDS_DATE})
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError({"done_on": DATE_IN_FUTURE})
    task.state, task.done_on, task.note = state, done_on, note
    task.updated_by = acting_user
    task.full_clean()
    task.save()
    family_log(family, acting_user, "update", task.get_kind_display())
    return task


@transaction.atomic
def family_service_add(*, family: Family, acting_user, **fields) -> FamilyService:
    _require_coordinator(family, acting_user)
    service = FamilyService(family=family, **fields)
    service.full_clean()
    service.save()
    family_log(family, acting_user, "update", _("Tjenester og kontaktpersoner"))
    return service


@transaction.atomic
def family_service_remove(*, service: FamilyService, acting_user) -> None:
    family = service.family
    _require_coordinator(family, acting_user)
    service.delete()
    family_log(family, acting_user, "update", _("Tjenester og kontaktpersoner"))


@transaction.atomic
def family_plan_link(*, family: Family, plan: Plan | None, acting_user) -> Family:
    """Link the child's own plan, coordination record or relay log: the plan must be the
    child's and the barnekoordinator its coordinator (so the link shows nobody anything the
    plan's own access would not)."""
    _require_coordinator(family, acting_user)
    if plan is not None and (
        plan.owner_id != family.child_id or not plan_access(acting_user, plan).is_coordinator
    ):
        raise ValidationError({"plan": NOT_THE_CHILDS_PLAN})
    family.plan = plan
    family.save(update_fields=["plan"])
    family_log(family, acting_user, "update", _("Barnets plan"))
    return family


@transaction.atomic
def family_close(*, family: Family, reason: str, note: str, acting_user) -> Family:
    """The right lasts while the conditions are met, and at most until the child turns 18."""
    _require_coordinator(family, acting_user)
    if reason not in Family.CloseReason.values:
        raise ValidationError({"reason": CLOSE_NEEDS_REASON})
    today = timezone.localdate()
    ends_on = family.ends_on
    if reason == Family.CloseReason.TURNED_18 and (ends_on is None or ends_on > today):
        raise ValidationError({"reason": NOT_YET_18})
    _close(family, reason, note, today)
    family_log(family, acting_user, "update", _("Barnekoordinator avsluttet"))
    return family


def _close(family: Family, reason: str, note: str, today: datetime.date) -> None:
    family.status, family.closed_on = Family.Status.CLOSED, today
    family.close_reason, family.close_note = reason, note
    family.save(update_fields=["status", "closed_on", "close_reason", "close_note"])


@transaction.atomic
def families_close_at_18(*, today: datetime.date | None = None) -> int:
    """The daily housekeeping: a family whose child has turned 18 no longer has the right."""
    today = today or timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - 18, day=28)
    families = list(
        Family.objects.select_for_update().filter(
            status=Family.Status.ACTIVE, child__birth_date__lte=cutoff
        )
    )
    for family in families:
        _close(family, Family.CloseReason.TURNED_18, "", today)
        family_log(family, None, "update", _("Barnekoordinator avsluttet"))
    return len(families)
