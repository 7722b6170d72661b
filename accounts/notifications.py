"""Notifications through an outbox: a row written in the same transaction as the change that
caused it, delivered by a Celery task, marked sent once.

A notification says only that something happened, with a link: no names of services, no plan
content, no diagnosis. Secret links (invitations, account set-up) are stored encrypted and
blanked once sent.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import crypto, sms
from accounts.models import OutboxMessage, User
from ipplan.breaker import broker_breaker

log = logging.getLogger("ipplan.notifications")

# kind -> (subject, what happened). Plain and content-free on purpose.
KINDS = {
    "invitation": (
        _("Invitasjon til ipplan"),
        _("Du er invitert til å delta i en individuell plan i ipplan."),
    ),
    "consent_given": (
        _("Samtykke registrert i ipplan"),
        _("Et samtykke som gjelder en plan du er foresatt for, er registrert."),
    ),
    "consent_withdrawn": (
        _("Samtykke trukket tilbake i ipplan"),
        _("Et samtykke er trukket tilbake, og en plan er avsluttet."),
    ),
    "access_proposed": (
        _("Forslag som venter på deg i ipplan"),
        _(
            "Koordinatoren har foreslått hvem som skal få tilgang til planen. Forslaget venter "
            "på deg."
        ),
    ),
    "grant_expiring": (
        _("Tilgang utløper snart i ipplan"),
        _("En tilgang til en plan utløper snart."),
    ),
    "new_message": (
        _("Ny melding i ipplan"),
        _("Du har en ny melding i ipplan."),
    ),
    "meeting": (
        _("Møte i ipplan"),
        _("Det er nytt om et møte du er invitert til i ipplan."),
    ),
    "reminder": (
        _("Påminnelse fra ipplan"),
        _("Noe i ipplan trenger oppfølging."),
    ),
    "representation_created": (
        _("Representant registrert i ipplan"),
        _(
            "Det er registrert hvem som kan handle på vegne av deg eller en du handler for. "
            "Se hvem, på hvilket grunnlag og fra når."
        ),
    ),
    "representation_proposed": (
        _("Forslag som venter på deg i ipplan"),
        _(
            "Det er foreslått at noen skal kunne handle på vegne av deg. Det gjelder først når "
            "du selv har bekreftet det."
        ),
    ),
    "representation_ended": (
        _("Representant avsluttet i ipplan"),
        _("Noen handler ikke lenger på vegne av deg eller en du handler for."),
    ),
    "account_setup": (
        _("Konto i ipplan"),
        _(
            "Det er laget en konto til deg i ipplan. Åpne lenken for å velge passord og sette "
            "opp totrinnsinnlogging."
        ),
    ),
    "letter": (
        _("Nytt brev i ipplan"),
        _("Du har fått et brev i innboksen din i ipplan."),
    ),
}
SECRET_PREFIX = "enc:"  # noqa: S105 (a marker, not a secret)


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
    if channel == OutboxMessage.Channel.SMS:
        address = address or (user.phone if user else "")
    else:
        address = address or (user.email if user else "")
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
    if sms.enabled() and user.phone:
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
    for item in items:
        user, key = item["user"], item["dedupe_key"]
        channels = [(OutboxMessage.Channel.EMAIL, user.email, key)]
        if sms.enabled() and user.phone:
            channels.append((OutboxMessage.Channel.SMS, user.phone, f"sms:{key}"))
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


def _sweep() -> None:
    from accounts.tasks import deliver_pending_outbox

    _publish(deliver_pending_outbox, "outbox sweep")


def _enqueue(message_id: int) -> None:
    # Imported here: tasks import this module. A broker that is down only delays delivery:
    # the periodic sweep picks up every unsent row.
    from accounts.tasks import deliver_outbox_message

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


def render(message: OutboxMessage) -> tuple[str, str]:
    """(subject, body) for e-mail; for SMS the body is one short line with the link."""
    link = message.link
    if link.startswith(SECRET_PREFIX):
        link = crypto.decrypt(link[len(SECRET_PREFIX) :])
    url = f"{settings.SITE_URL.rstrip('/')}{link}"
    with translation.override(message.language):
        subject, what = KINDS[message.kind]
        if message.channel == OutboxMessage.Channel.SMS:
            return str(subject), f"{what} {url}"
        body = render_to_string("notifications/email.txt", {"what": what, "url": url})
        return str(subject), body


def deliver(message_id: int) -> bool:
    """Send one message if it is still unsent. The row stays locked while sending, so two
    workers can never both send it; a crash before `sent_at` is saved leaves it for a retry.
    A failed send is counted after its transaction rolled back (`record_failure`)."""
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, sent_at__isnull=True, failed_at__isnull=True)
                .first()
            )
            if message is None:
                return False
            message.attempts += 1
            subject, body = render(message)
            _send(message, subject, body)
            message.sent_at = timezone.now()
            if message.link.startswith(SECRET_PREFIX):
                message.link = ""  # the secret link lived only as long as it had to
            message.save(update_fields=["attempts", "sent_at", "link"])
            return True
    except Exception as error:
        record_failure(message_id, error)
        raise


def _send(message: OutboxMessage, subject: str, body: str) -> None:
    if message.channel == OutboxMessage.Channel.SMS:
        sms.send(message.address, body)
        return
    email = EmailMessage(
        subject=subject,
        body=body,
        to=[message.address],
        headers={"Message-ID": f"<outbox-{message.pk}@ipplan>"},
    )
    if message.calendar:
        email.attach("invitasjon.ics", message.calendar, "text/calendar; method=REQUEST")
    email.send(fail_silently=False)


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes after each failure, at most six hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def record_failure(message_id: int, error: Exception) -> None:
    """Count the failed attempt in a transaction of its own (the send's was rolled back),
    push the next attempt back, and give up after the limit."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, sent_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if message is None:
            return
        now = timezone.now()
        message.attempts += 1
        message.last_error = type(error).__name__[:300]
        message.next_attempt_at = now + retry_delay(message.attempts)
        if message.attempts >= settings.IPPLAN_OUTBOX_MAX_ATTEMPTS:
            message.failed_at = now
            log.warning("outbox %s: failed after %s attempts", message.pk, message.attempts)
        message.save(update_fields=["attempts", "last_error", "next_attempt_at", "failed_at"])


def due_ids(limit: int) -> list[int]:
    """Unsent rows whose next attempt is due, the longest-waiting first: rows that keep
    failing have moved back, so a new message is never starved by them."""
    return list(
        OutboxMessage.objects.filter(
            sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_due(*, batch: int, seconds: float) -> tuple[int, bool]:
    """Deliver due rows for at most about `seconds` (a worker stopping for a deploy then
    finishes its task within the stop grace period). Returns (sent, more are due)."""
    started = time.monotonic()
    sent = 0
    ids = due_ids(batch)
    for message_id in ids:
        if time.monotonic() - started > seconds:
            return sent, True
        try:
            sent += deliver(message_id)
        except Exception:  # counted by deliver(); the next attempt is scheduled
            log.info("outbox %s: send failed, retried later", message_id)
    return sent, len(ids) == batch and bool(due_ids(1))
