"""A child's relay log (stafettlogg): created by a professional in a service that follows the
child up, held by one person at a time (the plan's `coordinator`), handed on like a baton
(plans.services.handover), and either continued as an individual plan or closed.

It is a Plan row with kind "relay_log", so its consent, grants, access log, goals and
measures (the measures by level, with responsible, start and evaluation date), progress notes
(the dated log that replaces separate minutes), notifications and archive are the plan's own.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import StaffMembership, User
from accounts.roles import user_roles
from plans import kinds
from plans.extensions import ip_consented_by, ip_right_granted
from plans.models import Plan
from plans.services.common import Action, access_for, ensure_open, plan_access, record_change

ONLY_SERVICES_CREATE = _(
    "Bare ansatte i en tjeneste i kommunen (for eksempel barnehage, helsestasjon eller skole) "
    "kan opprette en stafettlogg."
)
NOT_A_CHILD = _("En stafettlogg er for barn og unge under 18 år.")
ALREADY_OPEN = _(
    "Barnet har allerede en stafettlogg eller individuell plan som ikke er avsluttet. Bruk den."
)
NOT_A_RELAY_LOG = _("Dette er ikke en stafettlogg.")
IP_NOT_GRANTED = _(
    "Stafettloggen kan fortsette som individuell plan når retten til individuell plan er "
    "innvilget, eller når de som samtykker for barnet, har samtykket til individuell plan."
)
NEEDS_A_COORDINATOR = _("Velg en koordinator i kommunen for den individuelle planen.")


@transaction.atomic
def relay_log_create(*, owner: User, municipality, acting_user: User) -> Plan:
    """A draft relay log held by the professional who creates it. It is taken into use when the
    parents (or, by the municipality's routine, the young person from 15) have consented."""
    if not kinds.may_hold(user_roles(acting_user), Plan.Kind.RELAY_LOG, municipality.pk):
        raise PermissionDenied(ONLY_SERVICES_CREATE)
    today = timezone.localdate()
    if not kinds.is_child(owner, today):
        raise ValidationError(NOT_A_CHILD, code="not_a_child")
    if Plan.objects.filter(owner=owner).exclude(status=Plan.Status.CLOSED).exists():
        raise ValidationError(ALREADY_OPEN, code="open_plan_exists")
    plan = Plan(
        municipality=municipality,
        owner=owner,
        coordinator=acting_user,
        kind=Plan.Kind.RELAY_LOG,
        period_start=today,
    )
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError(ALREADY_OPEN, code="open_plan_exists") from None
    record_change(
        plan_access(acting_user, plan),
        plan,
        gettext_noop("Stafettloggen ble opprettet"),
        action=Action.CREATE,
    )
    return plan


def continue_as_plan_coordinator(plan: Plan):
    """The coordinator a decision appointed for the plan the relay log becomes, True when the
    plan is granted without one yet or consented to (by both parents for a child: the consent
    must be complete), None when neither."""
    return continue_as_plan_grounds(plan)[0]


def continue_as_plan_grounds(plan: Plan) -> tuple[User | bool | None, str]:
    """(what continue_as_plan_coordinator says, the names of those who consented when the
    relay log continues by consent rather than after a decision, else "")."""
    if plan.kind != Plan.Kind.RELAY_LOG or plan.is_closed:
        return None, ""
    granted = ip_right_granted(plan=plan)
    if granted:
        return granted, ""
    consented_by = ip_consented_by(plan=plan)
    return (True if consented_by else None), consented_by


@transaction.atomic
def relay_log_continue_as_plan(*, plan: Plan, coordinator: User, acting_user: User) -> Plan:
    """The relay log becomes a draft individual plan: the same record, so its goals, measures,
    log, participants, consent and grants are kept; only its kind, status and (when another
    person coordinates the plan) its holder change. The history shows it, and names who
    consented when it continues by consent rather than after a decision."""
    plan = Plan.objects.select_for_update().select_related("owner", "municipality").get(pk=plan.pk)
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    ensure_open(plan)
    if plan.kind != Plan.Kind.RELAY_LOG:
        raise ValidationError(NOT_A_RELAY_LOG, code="not_relay_log")
    if ip_right_granted(plan=plan):
        return _continue(plan, access, coordinator)
    consented_by = ip_consented_by(plan=plan)
    if not consented_by:
        raise ValidationError(IP_NOT_GRANTED, code="not_granted")
    return _continue(plan, access, coordinator, consented_by=consented_by)


def relay_log_continue_on_decision(*, plan: Plan, coordinator: User, acting_user: User) -> Plan:
    """The same, done by the coordinating unit when it appoints the coordinator for a granted
    plan (casework checks the case handler and the decision)."""
    plan = Plan.objects.select_for_update().select_related("owner", "municipality").get(pk=plan.pk)
    ensure_open(plan)
    if plan.kind != Plan.Kind.RELAY_LOG:
        raise ValidationError(NOT_A_RELAY_LOG, code="not_relay_log")
    return _continue(plan, plan_access(acting_user, plan), coordinator)


def _continue(plan: Plan, access, coordinator: User, *, consented_by: str = "") -> Plan:
    if not user_roles(coordinator).has(StaffMembership.Role.COORDINATOR, plan.municipality_id):
        raise ValidationError({"coordinator": NEEDS_A_COORDINATOR})
    holder = plan.coordinator
    plan.kind = Plan.Kind.INDIVIDUAL_PLAN
    plan.status = Plan.Status.DRAFT
    plan.activated_at = None
    plan.coordinator = coordinator
    plan.version += 1
    plan.save(
        update_fields=["kind", "status", "activated_at", "coordinator", "version", "updated_at"]
    )
    if consented_by:
        message = gettext_noop(
            "Stafettloggen fortsetter som individuell plan (utkast) etter samtykke fra "
            "%(consented_by)s, med %(name)s som koordinator"
        )
    else:
        message = gettext_noop(
            "Stafettloggen fortsetter som individuell plan (utkast) med %(name)s som koordinator"
        )
    record_change(
        access,
        plan,
        message,
        params={"name": coordinator.display_name}
        | ({"consented_by": consented_by} if consented_by else {}),
        action=Action.UPDATE,
        fields=["kind", "status"] + (["coordinator"] if holder != coordinator else []),
    )
    return plan
