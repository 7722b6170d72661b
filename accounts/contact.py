"""A person corrects their own e-mail address and mobile number (after logging in again).

A new e-mail address counts only once its owner has opened a link sent to it: the address is
where a password reset goes, so nobody may point an account at a mailbox they do not hold.
The page never says whether another account uses an address (that would tell a stranger who
has an account here): a taken address gets a notice instead of the link, and the person sees
the same "we sent a link" as for any other address. The old address is told of the change.

Notifications the outbox gave up on, or is still retrying, on a channel whose address changed
are queued again to the new address: a bounced address, once corrected, gets its messages.
Nobody else changes these: they are how a password is reset and how the person is reached.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OutboxMessage, SecurityEvent, User
from accounts.notifications import notify
from accounts.security import security_event_record

EMAIL_NOT_AVAILABLE = _("Denne e-postadressen kan ikke brukes. Skriv en annen.")
LINK_NOT_VALID = _(
    "Lenken virker ikke lenger: den er for gammel, eller e-postadressen er endret siden. "
    "Skriv den nye adressen på nytt, så sender vi en ny lenke."
)
CONFIRM_SALT = "ipplan.accounts.contact.email"
CONFIRM_MAX_AGE = 24 * 60 * 60  # seconds: one day to open the link


@dataclass(frozen=True)
class ContactChange:
    user: User
    # The new e-mail address that waits for its owner to open the link ("" if none).
    email_pending: str = ""


@transaction.atomic
def contact_details_update(
    *, user: User, email: str, phone: str, uses_own_email: bool | None = None
) -> ContactChange:
    email, phone = email.strip(), phone.replace(" ", "")
    if uses_own_email is not None and uses_own_email != user.uses_own_email:
        # The person's own choice: notifications to the address they gave us, not KRR's.
        user.uses_own_email = uses_own_email
        user.save(update_fields=["uses_own_email"])
    if phone != user.phone:
        user.phone = phone
        user.save(update_fields=["phone"])
        if phone:
            _requeue(user=user, channel=OutboxMessage.Channel.SMS, address=phone)
    if email.lower() == user.email.lower():
        if email != user.email:  # the same mailbox, written differently
            user.email = email
            user.save(update_fields=["email"])
        return ContactChange(user=user)
    if not email:
        _set_email(user=user, email="")
        return ContactChange(user=user)
    _ask_owner_of_address(user=user, email=email)
    return ContactChange(user=user, email_pending=email)


def _ask_owner_of_address(*, user: User, email: str) -> None:
    """A link to the new address; or, if another account uses it, a notice without one."""
    day = timezone.localdate().isoformat()
    if _taken(email, user=user):
        notify(
            kind="email_in_use",
            link=reverse("account_login"),
            address=email,
            dedupe_key=f"email_in_use:{user.pk}:{email.lower()}:{day}",
        )
        return
    token = signing.dumps(
        {"u": user.pk, "e": email, "o": user.email}, salt=CONFIRM_SALT, compress=True
    )
    notify(
        kind="email_confirm",
        link=reverse("accounts:contact_email_confirm", args=[token]),
        user=user,
        address=email,
        secret_link=True,
    )


def email_change_in_link(*, user: User, token: str) -> str:
    """The new address a confirmation link carries, if the link is valid for this person now.

    Raises ValidationError (the link is old, forged, or the address changed since) or
    LookupError (the link is another person's: the view answers 404)."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise ValidationError(LINK_NOT_VALID, code="link") from error
    if not isinstance(data, dict) or data.get("u") != user.pk:
        raise LookupError("another person's link")
    if data.get("o") != user.email or not isinstance(data.get("e"), str):
        raise ValidationError(LINK_NOT_VALID, code="link")
    return data["e"]


@transaction.atomic
def email_change_confirm(*, user: User, token: str, request=None) -> User:
    email = email_change_in_link(user=user, token=token)
    # The person holds this mailbox, so they may be told it is taken (by another account).
    if _taken(email, user=user):
        raise ValidationError(EMAIL_NOT_AVAILABLE, code="email")
    _set_email(user=user, email=email, request=request)
    return user


def _set_email(*, user: User, email: str, request=None) -> None:
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    security_event_record(SecurityEvent.Kind.EMAIL_CHANGED, user=user, actor=user, request=request)
    if old:
        # The old mailbox hears of it: if someone else changed it, the owner can act.
        notify(kind="email_changed", link=reverse("accounts:profile"), user=user, address=old)
    if email:
        _requeue(user=user, channel=OutboxMessage.Channel.EMAIL, address=email)


def _taken(email: str, *, user: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()


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
