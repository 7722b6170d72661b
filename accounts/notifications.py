"""Notifications through an outbox: a row written in the same transaction as the change that
caused it, published to the worker after the commit and delivered once (accounts/outbox.py).

A notification says only that something happened, with a link: no names of services, no plan
content, no diagnosis. Secret links (invitations, account set-up) are stored encrypted and
blanked once sent.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts import crypto, sms
from accounts.contact_registry import entries_for, notification_address
from accounts.models import OutboxMessage, User
from accounts.outbox import KINDS, SECRET_PREFIX
from accounts.tasks import deliver_outbox_message, deliver_pending_outbox, refresh_contact_details
from ipplan import krr
from ipplan.breaker import broker_breaker

log = logging.getLogger("ipplan.notifications")


def recipient_language(user) -> str:
    """The recipient's language, not the sender's: people do not store a preference yet, so
    notifications go out in the installation's language (bokmål)."""
    return settings.LANGUAGE_CODE


def notify(
    *,
    kind: str,
    link: str,
    user: User | None = None,
    address: str = "",
    channel: str = OutboxMessage.Channel.EMAIL,
    dedupe_key: str | None = None,
    secret_link: bool = False,
    calendar: str = "",
) -> OutboxMessage | None:
    """Queue one e-mail. Returns None when there is nowhere to send it, or it was queued
    before under the same `dedupe_key`. Call inside the transaction of the change."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind}")
    if not address and user is not None:
        # KRR's address, the person's own choice, or nothing for someone reserved in KRR.
        address = notification_address(user, channel)
    if not address:
        return None
    stored_link = SECRET_PREFIX + crypto.encrypt(link) if secret_link else link
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                recipient=user,
                address=address,
                kind=kind,
                link=stored_link,
                language=recipient_language(user),
                dedupe_key=dedupe_key,
                calendar=calendar,
            )
    except IntegrityError:
        return None  # the same cause has been queued before
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def notify_user(
    *, user: User, kind: str, link: str, dedupe_key: str | None = None, calendar: str = ""
) -> None:
    """E-mail, and SMS too where SMS is switched on and the person has a mobile number."""
    notify(kind=kind, link=link, user=user, dedupe_key=dedupe_key, calendar=calendar)
    if sms.enabled():
        notify(
            kind=kind,
            link=link,
            user=user,
            channel=OutboxMessage.Channel.SMS,
            dedupe_key=f"sms:{dedupe_key}" if dedupe_key else None,
        )


def notify_many(items: list[dict]) -> int:
    """Queue many notifications in one INSERT (scheduled reminders). Each item: user, kind,
    link, dedupe_key. Rows already queued under the same key are skipped by the database; the
    sweep task delivers them, so nothing waits on the broker here."""
    rows = []
    entries = entries_for(item["user"].pk for item in items)
    for item in items:
        user, key = item["user"], item["dedupe_key"]
        entry = entries.get(user.pk)

        def address(channel, user=user, entry=entry):
            return notification_address(user, channel, entry, lookup=False)

        channels = [(OutboxMessage.Channel.EMAIL, address(OutboxMessage.Channel.EMAIL), key)]
        if sms.enabled():
            sms_address = address(OutboxMessage.Channel.SMS)
            channels.append((OutboxMessage.Channel.SMS, sms_address, f"sms:{key}"))
        rows += [
            OutboxMessage(
                channel=channel,
                recipient=user,
                address=address,
                kind=item["kind"],
                link=item["link"],
                language=recipient_language(user),
                dedupe_key=dedupe_key,
            )
            for channel, address, dedupe_key in channels
            if address
        ]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        transaction.on_commit(_sweep)
    return len(rows)


def contact_refresh_after_login(user: User) -> None:
    """Ask KRR about the person after the login's commit, in the worker: the login itself never
    waits on KRR or on the broker."""
    if krr.enabled() and user.has_national_id:
        user_id = user.pk
        transaction.on_commit(
            lambda: _publish(refresh_contact_details, f"KRR refresh {user_id}", user_id)
        )


def publish(task, what: str, *args) -> None:
    """Publish a task after the commit without ever failing or waiting on the broker (higher
    apps' outboxes use it: casework's letter deliveries)."""
    _publish(task, what, *args)


def _sweep() -> None:
    _publish(deliver_pending_outbox, "outbox sweep")


def _enqueue(message_id: int) -> None:
    # A broker that is down only delays delivery: the periodic sweep picks up every unsent row.
    _publish(deliver_outbox_message, f"outbox {message_id}", message_id)


def _publish(task, what: str, *args) -> None:
    """Runs after the user's commit; it never raises and never waits on a dead broker twice:
    after one failure the breaker skips publishing for a while and the sweep sends."""
    if broker_breaker.is_open():
        return
    try:
        task.apply_async(args, retry=False)
    except Exception as error:
        broker_breaker.trip(error, f"{what} and later ones left for the sweep")
