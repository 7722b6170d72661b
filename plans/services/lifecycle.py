"""A plan's life: created as a draft, activated, closed; its period and "about me"."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import StaffMembership, User
from accounts.notifications import notify
from accounts.roles import user_roles
from plans import kinds
from plans.access import (
    active_plan_consent,
    grants_revoke_all,
    plan_access,
    plan_consent_mark_withdrawn,
)
from plans.extensions import plan_closing_hooks
from plans.models import ArchiveRecord, Plan
from plans.sections import Section
from plans.services.archive import archive_snapshot
from plans.services.common import (
    Action,
    access_for,
    changed_fields,
    ensure_open,
    record_change,
    save_versioned,
)

ALREADY_HAS_OPEN_PLAN = _(
    "Personen har allerede en individuell plan som ikke er avsluttet. Det skal bare være én plan."
)
ONLY_COORDINATORS_CREATE = _("Bare koordinatorer i kommunen kan opprette en plan.")
CANNOT_ACTIVATE = _("Bare et utkast kan tas i bruk.")
ACTIVATION_NEEDS = _("Før planen tas i bruk må den ha koordinator og planperiode.")
ACTIVATION_NEEDS_CONSENT = _(
    "Planen kan ikke tas i bruk før planeier (eller den som samtykker for planeier) har "
    "samtykket til den."
)
CLOSE_NEEDS_REASON = _("Velg hvorfor planen avsluttes.")

# Legal transitions of the plan's status; anything else is refused.
TRANSITIONS = {
    Plan.Status.DRAFT: {Plan.Status.ACTIVE, Plan.Status.CLOSED},
    Plan.Status.ACTIVE: {Plan.Status.CLOSED},
    Plan.Status.CLOSED: set(),
}


def ensure_transition(plan: Plan, target: str) -> None:
    if target not in TRANSITIONS[plan.status]:
        raise ValidationError(
            _("Planen kan ikke gå fra «%(from)s» til «%(to)s».")
            % {"from": plan.get_status_display(), "to": Plan.Status(target).label}
        )


@transaction.atomic
def plan_create(
    *,
    owner: User,
    coordinator: User,
    municipality,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    next_evaluation: datetime.date | None = None,
    kind: str = Plan.Kind.INDIVIDUAL_PLAN,
    acting_user: User,
) -> Plan:
    """A draft plan for `owner`, coordinated by `coordinator` (who may be the acting user);
    `kind` COORDINATION makes the record of a coordinator without an individual plan."""
    roles = user_roles(acting_user)
    may_create = roles.has(StaffMembership.Role.COORDINATOR, municipality.pk) or roles.has(
        StaffMembership.Role.CASE_HANDLER, municipality.pk
    )
    if not may_create or not user_roles(coordinator).has(
        StaffMembership.Role.COORDINATOR, municipality.pk
    ):
        raise PermissionDenied(ONLY_COORDINATORS_CREATE)
    if Plan.objects.filter(owner=owner).exclude(status=Plan.Status.CLOSED).exists():
        raise ValidationError(ALREADY_HAS_OPEN_PLAN, code="open_plan_exists")
    plan = Plan(
        municipality=municipality,
        owner=owner,
        coordinator=coordinator,
        period_start=period_start,
        period_end=period_end,
        next_evaluation=next_evaluation,
        kind=kind,
    )
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        # Two coordinators creating a plan for the same person at once: the constraint wins.
        raise ValidationError(ALREADY_HAS_OPEN_PLAN, code="open_plan_exists") from None
    access = plan_access(acting_user, plan)
    record_change(
        access,
        plan,
        gettext_noop("Planen ble opprettet som utkast")
        if plan.kind_info.is_individual_plan
        else gettext_noop("Koordinering uten individuell plan ble opprettet"),
        action=Action.CREATE,
    )
    return plan


@transaction.atomic
def plan_update_details(
    *,
    plan: Plan,
    expected_version: int,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    next_evaluation: datetime.date | None,
    acting_user: User,
) -> Plan:
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    data = {
        "period_start": period_start,
        "period_end": period_end,
        "next_evaluation": next_evaluation,
    }
    fields = changed_fields(plan, data)
    save_versioned(plan, expected_version=expected_version, data=data)
    record_change(
        access,
        plan,
        gettext_noop("Planperiode og evaluering ble endret"),
        action=Action.UPDATE,
        fields=fields,
    )
    return plan


@transaction.atomic
def about_me_update(
    *,
    plan: Plan,
    expected_version: int,
    what_matters: str,
    resources: str,
    needs: str,
    language_culture: str,
    acting_user: User,
) -> Plan:
    access = access_for(acting_user, plan, lambda a: a.can_write(Section.ABOUT_ME))
    texts = {
        "what_matters": what_matters,
        "resources": resources,
        "needs": needs,
        "language_culture": language_culture,
    }
    fields = changed_fields(plan, texts)
    save_versioned(
        plan,
        expected_version=expected_version,
        data={**texts, "about_me_updated_at": timezone.now()},
        version_field="about_me_version",
    )
    record_change(
        access,
        plan,
        gettext_noop("«Om meg» ble oppdatert"),
        action=Action.UPDATE,
        section=Section.ABOUT_ME,
        fields=fields,
    )
    return plan


@transaction.atomic
def plan_activate(*, plan: Plan, acting_user: User) -> Plan:
    """Draft -> active: with a coordinator, a period and a consent to the plan."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    ensure_transition(plan, Plan.Status.ACTIVE)
    if plan.coordinator_id is None:
        raise ValidationError(ACTIVATION_NEEDS, code="incomplete")
    # A plan period belongs to the individual plan (plans/kinds.py: needs_period).
    missing_period = plan.period_start is None or plan.period_end is None
    if kinds.needs_period(plan.kind) and missing_period:
        raise ValidationError(ACTIVATION_NEEDS, code="incomplete")
    if active_plan_consent(plan) is None:
        raise ValidationError(ACTIVATION_NEEDS_CONSENT, code="no_consent")
    plan.status = Plan.Status.ACTIVE
    plan.activated_at = timezone.now()
    plan.version += 1
    plan.save(update_fields=["status", "activated_at", "version", "updated_at"])
    record_change(
        access,
        plan,
        kinds.activated_history(plan.kind),
        action=Action.UPDATE,
        fields=["status"],
    )
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, reason: str, note: str, acting_user: User, archive=True) -> Plan:
    """Close the plan (read-only from now on) and take the archive snapshot that closing needs."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    return _close(plan, access, reason, note, acting_user, archive)


@transaction.atomic
def plan_consent_withdraw(*, plan: Plan, acting_user: User) -> Plan:
    """Withdrawing consent closes the plan at once: read-only, participants lose access, an
    archive snapshot is taken and the coordinator is told. Nothing is deleted."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    access = access_for(acting_user, plan, lambda a: a.can_manage_access)
    plan_consent_mark_withdrawn(plan=plan, acting_user=acting_user)
    grants_revoke_all(plan=plan, acting_user=acting_user)
    _close(plan, access, Plan.ClosingReason.CONSENT_WITHDRAWN, "", acting_user, archive=True)
    if plan.coordinator is not None:
        notify(
            kind="consent_withdrawn",
            user=plan.coordinator,
            link=reverse("plans:detail", args=[plan.pk]),
        )
    return plan


def _close(plan: Plan, access, reason: str, note: str, acting_user, archive: bool) -> Plan:
    ensure_transition(plan, Plan.Status.CLOSED)
    if reason not in Plan.ClosingReason.values:
        raise ValidationError(CLOSE_NEEDS_REASON, code="reason")
    plan.status = Plan.Status.CLOSED
    plan.closing_reason = reason
    plan.closing_note = note
    plan.closed_at = timezone.now()
    plan.version += 1
    plan.save(
        update_fields=[
            "status",
            "closing_reason",
            "closing_note",
            "closed_at",
            "version",
            "updated_at",
        ]
    )
    record_change(
        access,
        plan,
        gettext_noop("Planen ble avsluttet: %(reason)s"),
        params={"reason": Plan.ClosingReason(plan.closing_reason).label},
        action=Action.UPDATE,
        fields=["status"],
    )
    # What was planned around the plan ends with it (future meetings are cancelled and their
    # invitees told), before the closing snapshot, so that the archive shows it.
    plan_closing_hooks(plan=plan, access=access)
    if archive:
        archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.CLOSING, acting_user=acting_user)
    return plan


@transaction.atomic
def plan_request_close(*, plan: Plan, reason: str, acting_user: User) -> Plan:
    """The owner (or whoever acts for them) asks the coordinator to close the plan."""
    ensure_open(plan)
    access = plan_access(acting_user, plan)
    if not access.can_request_close:
        raise PermissionDenied
    plan.close_requested_at = timezone.now()
    plan.close_request_reason = reason
    plan.save(update_fields=["close_requested_at", "close_request_reason", "updated_at"])
    record_change(
        access,
        plan,
        gettext_noop("Planeier ba om at planen avsluttes"),
        action=Action.UPDATE,
    )
    return plan
