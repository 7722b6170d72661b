"""Contact details and reservation from KRR (the contact and reservation register).

Which address a notification goes to:
- A person reserved against digital communication in KRR gets no e-mail and no SMS; their
  letters go on paper (casework marks them for printing) and staff see that on the case.
- Otherwise the e-mail address and mobile number registered in KRR are used, when KRR says
  they may be (its "varslingsstatus"): the public sector is to notify at the address the
  person keeps up to date there (the e-government regulation, eForvaltningsforskriften,
  and Digdir's guidance on KRR).
- The person may choose their own e-mail address in their profile instead (they gave it to us
  and confirmed it with a link, which is their consent to being notified there); without KRR
  details, or with KRR switched off, the address stored in ipplan is used as before.
Messages about the account itself (confirming a new address, telling the old one it changed,
setting up an account) go to the address they are about, whatever KRR says: they protect the
person's login and are not communication about a case. Staff are not looked up: they are
reached at the work address stored in ipplan.

KRR is asked after a login (by a task: a login never waits) and before a send, when what we
hold is older than IPPLAN_KRR_MAX_AGE_MINUTES. If KRR does not answer, what is stored is used.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import ContactRegistryEntry, OutboxMessage, StaffMembership, User
from ipplan import krr

log = logging.getLogger("ipplan.krr")

# Messages bound to one address (about the account itself), never redirected or held back.
ADDRESS_BOUND_KINDS = frozenset({"email_confirm", "email_in_use", "email_changed", "account_setup"})


def entry_of(user: User) -> ContactRegistryEntry | None:
    try:
        return user.registry_contact
    except ContactRegistryEntry.DoesNotExist:
        return None


def entries_for(user_ids: Iterable[int]) -> dict[int, ContactRegistryEntry]:
    """One query for many people (reminders, a letter's recipients)."""
    return {e.user_id: e for e in ContactRegistryEntry.objects.filter(user_id__in=set(user_ids))}


def notification_address(
    user: User, channel: str, entry: ContactRegistryEntry | None = None, *, lookup: bool = True
) -> str:
    """Where a notification to this person goes on this channel ("" for nowhere)."""
    if entry is None and lookup:
        entry = entry_of(user)
    if entry is not None and entry.reserved:
        return ""
    usable = entry is not None and entry.can_notify and not entry.digital_contact_refused
    if channel == OutboxMessage.Channel.SMS:
        return (entry.phone if usable and entry.phone else "") or user.phone
    if user.uses_own_email and user.email:
        return user.email
    return (entry.email if usable and entry.email else "") or user.email


def is_fresh(entry: ContactRegistryEntry | None, now: datetime.datetime | None = None) -> bool:
    if entry is None:
        return False
    age = (now or timezone.now()) - entry.checked_at
    return age < datetime.timedelta(minutes=settings.IPPLAN_KRR_MAX_AGE_MINUTES)


def registry_refresh(users: Iterable[User]) -> dict[int, ContactRegistryEntry]:
    """Ask KRR about these people (those with an identity number) and store the answers.
    Never raises: when KRR cannot answer, what is stored is returned unchanged."""
    users = [u for u in users if u.has_national_id]
    stored = entries_for(u.pk for u in users)
    if not users or not krr.enabled():
        return stored
    # Staff are reached at their work address: KRR is the citizen's register.
    staff = set(
        StaffMembership.objects.filter(
            user_id__in=[u.pk for u in users], is_active=True
        ).values_list("user_id", flat=True)
    )
    users = [u for u in users if u.pk not in staff]
    if not users:
        return stored
    by_number = {u.get_national_id(): u for u in users}
    try:
        answers = krr.lookup(by_number)
    except krr.KrrError as error:
        # The reason only (no identity number): the stored details keep being used.
        log.info("KRR look-up failed, stored details used: %s", error)
        return stored
    now = timezone.now()
    with transaction.atomic():
        for number, person in answers.items():
            user = by_number.get(number)
            if user is None:
                continue
            stored[user.pk], _ = ContactRegistryEntry.objects.update_or_create(
                user=user,
                defaults={
                    "status": person.status
                    if person.status in ContactRegistryEntry.Status.values
                    else ContactRegistryEntry.Status.NOT_REGISTERED,
                    "reserved": person.reserved,
                    "can_notify": person.can_notify,
                    "email": person.email,
                    "phone": person.phone,
                    "mailbox_address": person.mailbox_address,
                    "mailbox_provider": person.mailbox_provider,
                    "checked_at": now,
                },
            )
    return stored


def registry_refresh_if_stale(user: User) -> ContactRegistryEntry | None:
    entry = entry_of(user)
    if is_fresh(entry) or not krr.enabled() or not user.has_national_id:
        return entry
    return registry_refresh([user]).get(user.pk)


def registry_refresh_user(user_id: int) -> ContactRegistryEntry | None:
    """The task after a login: always asks (the person may have just changed KRR)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return registry_refresh([user]).get(user.pk)


def outbox_address_now(message: OutboxMessage) -> str | None:
    """Right before a send: the address this message should go to now, from fresh KRR
    details; "" if the person is now reserved or has no address; None to keep it as queued."""
    if message.recipient is None or message.kind in ADDRESS_BOUND_KINDS:
        return None
    entry = registry_refresh_if_stale(message.recipient)
    if entry is None:
        return None  # nothing from KRR (off, or never answered): the queued address stands
    return notification_address(message.recipient, message.channel, entry, lookup=False)
