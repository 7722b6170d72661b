"""Notifications the outbox gave up on, for the municipal administrator: which address
bounced, on which channel, when and why (the error's type), never what the message said.

The administrator cannot change a citizen's address (it is a login credential: the person
corrects it on their own profile, after re-authenticating); once it is corrected, the
administrator sends the message again to the person's current address.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.administration import administered_ids_or_404
from accounts.models import OutboxMessage, User

NO_ADDRESS_NOW = _("Personen har fortsatt ingen adresse for denne kanalen.")


def failed_in(municipality_ids) -> QuerySet[OutboxMessage]:
    """Given-up messages to people living in, or working for, these municipalities."""
    people = Q(recipient__home_municipality_id__in=municipality_ids) | Q(
        recipient__memberships__municipality_id__in=municipality_ids
    )
    return (
        OutboxMessage.objects.filter(people, failed_at__isnull=False, sent_at__isnull=True)
        .select_related("recipient")
        .only(
            "pk",
            "channel",
            "address",
            "kind",
            "attempts",
            "last_error",
            "failed_at",
            "created_at",
            "recipient__first_name",
            "recipient__last_name",
            "recipient__email",
            "recipient__phone",
        )
        .distinct()
        .order_by("-failed_at", "-pk")
    )


def current_address(message: OutboxMessage) -> str:
    user = message.recipient
    if user is None:
        return ""
    return user.phone if message.channel == OutboxMessage.Channel.SMS else user.email


@transaction.atomic
def failed_message_resend(*, acting_user: User, message_id: int) -> OutboxMessage:
    """Queue a given-up message again, to the recipient's current address; 404 outside the
    municipalities the acting user administers."""
    ids = administered_ids_or_404(acting_user)
    visible = failed_in(ids).order_by().values("pk")
    message = (
        OutboxMessage.objects.select_for_update(of=("self",))
        .filter(pk=message_id, pk__in=visible)
        .select_related("recipient")
        .first()
    )
    if message is None:
        raise Http404
    address = current_address(message)
    if not address:
        raise ValueError(NO_ADDRESS_NOW)
    OutboxMessage.objects.filter(pk=message.pk).update(
        address=address,
        attempts=0,
        last_error="",
        failed_at=None,
        next_attempt_at=timezone.now(),
    )
    return message
