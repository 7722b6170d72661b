"""Invitations: a one-time link that lets a participant join the plan with their own login."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.notifications import notify
from consent.models import AccessLogEntry, Invitation
from consent.policy import PlanAccess, plan_access
from consent.services.consents import ONLY_COORDINATOR
from consent.services.history import record_change
from plans.models import Participant, Plan

Action = AccessLogEntry.Action

INVITATION_INVALID = _(
    "Invitasjonen er brukt, utløpt eller finnes ikke. Be koordinatoren om en ny."
)
ALREADY_PARTICIPANT = _("Du er allerede med i denne planen.")
OWNER_CANNOT_BE_PARTICIPANT = _("Planeier kan ikke være deltaker i sin egen plan.")
INVITATION_DAYS = 7


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(*, plan: Plan, participant: Participant, email: str, acting_user) -> Invitation:
    access = plan_access(acting_user, plan)
    if not access.can_manage_plan:
        raise PermissionDenied(ONLY_COORDINATOR)
    if participant.plan_id != plan.pk or not participant.is_active:
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        plan=plan,
        participant=participant,
        email=email,
        token_digest=_digest(token),
        created_by=acting_user,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    notify(
        kind="invitation",
        address=email,
        link=reverse("consent:invitation", args=[token]),
        secret_link=True,
    )
    record_change(
        access,
        invitation,
        gettext_noop("Sendte invitasjon til %(name)s"),
        params={"name": participant.name},
        action=Action.CREATE,
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("plan__municipality", "plan__coordinator", "participant")
        .filter(token_digest=_digest(token))
        .first()
    )
    return invitation if invitation is not None and invitation.usable() else None


@transaction.atomic
def invitation_accept(*, token: str, user) -> Invitation:
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(INVITATION_INVALID, code="invalid")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    participant = Participant.objects.select_for_update().get(pk=invitation.participant_id)
    if not invitation.usable():
        raise ValidationError(INVITATION_INVALID, code="invalid")
    if invitation.plan.owner_id == user.pk:
        raise ValidationError(OWNER_CANNOT_BE_PARTICIPANT, code="owner")
    if (
        participant.user_id not in (None, user.pk)
        or Participant.objects.filter(plan=invitation.plan, user=user, is_active=True)
        .exclude(pk=participant.pk)
        .exists()
    ):
        raise ValidationError(ALREADY_PARTICIPANT, code="duplicate")
    participant.user = user
    participant.save(update_fields=["user", "updated_at"])
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    access = PlanAccess(plan=invitation.plan, role=AccessLogEntry.ActorRole.PARTICIPANT, user=user)
    record_change(
        access,
        participant,
        gettext_noop("%(name)s godtok invitasjonen"),
        params={"name": participant.name},
        action=Action.UPDATE,
    )
    return invitation
