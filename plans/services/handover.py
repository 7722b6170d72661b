"""Coordinator handover: the coordinator proposes a successor; responsibility stays with the
old coordinator until the new one accepts. Both steps are dated in the plan's history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.notifications import notify
from accounts.roles import user_roles
from plans import kinds
from plans.access import coordinator_access
from plans.models import CoordinatorHandover, Plan
from plans.sections import Action
from plans.services.common import access_for, ensure_open, record_change

NOT_A_COORDINATOR = _("Den nye koordinatoren må ha koordinatorrolle i samme kommune.")
SAME_COORDINATOR = _("Velg en annen enn den som er koordinator nå.")
ALREADY_PROPOSED = _("Det finnes allerede et forslag om ny koordinator som venter på svar.")
NOT_YOURS = _("Bare den foreslåtte koordinatoren kan svare.")
NOT_OPEN = _("Forslaget er allerede besvart eller trukket tilbake.")


@transaction.atomic
def handover_propose(*, plan: Plan, to_coordinator, message: str, acting_user):
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    if to_coordinator.pk == plan.coordinator_id:
        raise ValidationError({"to_coordinator": SAME_COORDINATOR})
    if not kinds.may_hold(user_roles(to_coordinator), plan.kind, plan.municipality_id):
        raise ValidationError(
            {"to_coordinator": kinds.NOT_A_HOLDER.get(plan.kind, NOT_A_COORDINATOR)}
        )
    try:
        with transaction.atomic():
            handover = CoordinatorHandover.objects.create(
                plan=plan,
                from_coordinator=acting_user,
                to_coordinator=to_coordinator,
                message=message,
            )
    except IntegrityError:
        raise ValidationError(ALREADY_PROPOSED, code="open_handover") from None
    # The proposed holder hears of it (a link, no content): a professional who holds a relay
    # log does not look at a coordinator's list.
    notify(
        kind="handover_proposed",
        user=to_coordinator,
        link=reverse("plans:handover_answer", args=[handover.pk]),
        dedupe_key=f"handover:{handover.pk}",
    )
    record_change(
        access,
        handover,
        kinds.handover_history(plan.kind, "proposed"),
        params={"name": to_coordinator.display_name},
        action=Action.CREATE,
    )
    return handover


@transaction.atomic
def handover_respond(*, handover: CoordinatorHandover, accept: bool, acting_user):
    handover = CoordinatorHandover.objects.select_for_update().get(pk=handover.pk)
    plan = Plan.objects.select_for_update().get(pk=handover.plan_id)
    ensure_open(plan)
    if handover.to_coordinator_id != acting_user.pk:
        raise PermissionDenied(NOT_YOURS)
    if handover.status != CoordinatorHandover.Status.PROPOSED:
        raise ValidationError(NOT_OPEN, code="closed")
    handover.status = (
        CoordinatorHandover.Status.ACCEPTED if accept else CoordinatorHandover.Status.DECLINED
    )
    handover.decided_at = timezone.now()
    handover.save(update_fields=["status", "decided_at"])
    if accept:
        plan.coordinator = acting_user
        plan.version += 1
        plan.save(update_fields=["coordinator", "version", "updated_at"])
        summary = kinds.handover_history(plan.kind, "accepted")
    else:
        summary = kinds.handover_history(plan.kind, "declined")
    access = coordinator_access(plan, acting_user)
    record_change(
        access,
        handover,
        summary,
        params={"name": acting_user.display_name},
        action=Action.UPDATE,
        fields=["coordinator"] if accept else [],
    )
    return handover


@transaction.atomic
def handover_withdraw(*, handover: CoordinatorHandover, acting_user):
    plan = handover.plan
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    if handover.status != CoordinatorHandover.Status.PROPOSED:
        raise ValidationError(NOT_OPEN, code="closed")
    handover.status = CoordinatorHandover.Status.WITHDRAWN
    handover.decided_at = timezone.now()
    handover.save(update_fields=["status", "decided_at"])
    record_change(
        access,
        handover,
        kinds.handover_history(plan.kind, "withdrawn"),
        action=Action.UPDATE,
    )
