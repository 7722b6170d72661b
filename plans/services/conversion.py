"""A coordinator's record without an individual plan becomes an individual plan: the same
row changes its kind, so everything it holds (participants, grants, meetings, messages, notes,
documents, the access log and the history) stays where it is."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import User
from plans.extensions import ip_grounds
from plans.kinds import INDIVIDUAL_PLAN
from plans.models import Plan
from plans.services.common import Action, access_for, ensure_open, record_change

ALREADY_A_PLAN = _("Dette er allerede en individuell plan.")
NO_GROUNDS_FOR_A_PLAN = _(
    "Den kan gjøres om til individuell plan når koordinerende enhet har vedtatt individuell "
    "plan, eller når personen (eller den som samtykker for personen) har samtykket til det."
)

# How the history names why the record became an individual plan.
GROUNDS = {
    "decision": gettext_noop("Gjort om til individuell plan etter vedtak: %(grounds)s"),
    "consent": gettext_noop("Gjort om til individuell plan etter samtykke fra %(grounds)s"),
}


def _convert(plan: Plan, access, *, basis: str, grounds: str) -> Plan:
    if plan.kind == INDIVIDUAL_PLAN:
        raise ValidationError(ALREADY_A_PLAN, code="already")
    plan.kind = INDIVIDUAL_PLAN
    plan.version += 1
    plan.save(update_fields=["kind", "version", "updated_at"])
    record_change(
        access,
        plan,
        GROUNDS[basis],
        params={"grounds": grounds},
        action=Action.UPDATE,
        fields=["kind"],
    )
    return plan


@transaction.atomic
def plan_convert_to_ip(*, plan: Plan, acting_user: User) -> Plan:
    """The coordinator turns the record into an individual plan once one is granted (a
    decision that apps above plans report through `ip_grounds`)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    grounds = ip_grounds(plan)
    if plan.kind != INDIVIDUAL_PLAN and not grounds:
        raise ValidationError(NO_GROUNDS_FOR_A_PLAN, code="no_grounds")
    return _convert(plan, access, basis="decision", grounds="; ".join(grounds))


def plan_convert_by_consent(*, plan: Plan, access, consented_by: str) -> Plan:
    """Part of the owner's side consenting to an individual plan (consent.services.consents
    records the consent first, in the same transaction)."""
    ensure_open(plan)
    if not access.can_manage_access:
        raise PermissionDenied
    return _convert(plan, access, basis="consent", grounds=consented_by)


def plan_convert_by_decision(*, plan: Plan, access, decision_text: str) -> Plan:
    """Part of the coordinating unit appointing a coordinator under a decision that grants an
    individual plan to a person who already has a coordinator's record (casework)."""
    ensure_open(plan)
    return _convert(plan, access, basis="decision", grounds=decision_text)
