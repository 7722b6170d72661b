"""A person corrects their own e-mail address and mobile number (after logging in again).

Notifications the outbox gave up on, or is still retrying, on a channel whose address changed
are queued again to the new address: a bounced address, once corrected, gets its messages.
Nobody else changes these: they are how a password is reset and how the person is reached.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OutboxMessage, User

EMAIL_NOT_AVAILABLE = _("Denne e-postadressen kan ikke brukes. Skriv en annen.")


@transaction.atomic
def contact_details_update(*, user: User, email: str, phone: str) -> User:
    email, phone = email.strip(), phone.replace(" ", "")
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError(EMAIL_NOT_AVAILABLE, code="email")
    changed = {
        OutboxMessage.Channel.EMAIL: (user.email, email),
        OutboxMessage.Channel.SMS: (user.phone, phone),
    }
    user.email, user.phone = email, phone
    user.save(update_fields=["email", "phone"])
    for channel, (old, new) in changed.items():
        if new and new != old:
            _requeue(user=user, channel=channel, address=new)
    return user


def _requeue(*, user: User, channel: str, address: str) -> int:
    """Unsent messages to the person on this channel go to the new address, from now on."""
    return (
        OutboxMessage.objects.filter(recipient=user, channel=channel, sent_at__isnull=True)
        .filter(Q(failed_at__isnull=False) | Q(attempts__gt=0))
        .update(
            address=address,
            attempts=0,
            last_error="",
            failed_at=None,
            next_attempt_at=timezone.now(),
        )
    )
