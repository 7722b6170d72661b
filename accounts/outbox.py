"""The outbox's delivery side: what a notification says (content-free on purpose), sending one
message exactly once, counting failures with backoff, and the sweep's batches. Writing the
rows and publishing them to the worker is accounts/notifications.py; the Celery tasks
(accounts/tasks.py) call this module."""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import contact_registry, crypto, sms
from accounts.models import OutboxMessage

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
    "consent_awaiting": (
        _("Samtykke som venter på deg i ipplan"),
        _(
            "Den andre forelderen har samtykket til en plan du er foresatt for. Samtykket "
            "gjelder først når du også har samtykket."
        ),
    ),
    "coming_of_age": (
        _("Snart bestemmer den unge selv i ipplan"),
        _(
            "Om kort tid bestemmer den unge selv over planen sin: hvem som får se hva, og om "
            "den skal fortsette. Se hva som skjer og når."
        ),
    ),
    "care_ends": (
        _("Barnevernstjenestens omsorg slutter snart"),
        _(
            "Om kort tid fyller den unge 18 år. Da slutter barnevernstjenestens omsorg, og den "
            "unge bestemmer selv om barnevernstjenesten skal se planen. Se hva som skjer og når."
        ),
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
    "handover_proposed": (
        _("Forslag som venter på deg i ipplan"),
        _(
            "Du er spurt om å overta ansvaret for en plan eller en stafettlogg i ipplan. "
            "Ansvaret går over når du har svart ja."
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
    "email_confirm": (
        _("Bekreft e-postadressen din i ipplan"),
        _(
            "Noen ba om å bruke denne e-postadressen for en konto i ipplan. Var det deg, åpner "
            "du lenken for å bekrefte. Lenken virker i ett døgn. Var det ikke deg, kan du se "
            "bort fra denne e-posten."
        ),
    ),
    "email_in_use": (
        _("E-postadressen din i ipplan"),
        _(
            "Noen ba om å bruke denne e-postadressen for en konto i ipplan, men adressen er "
            "allerede i bruk. Var det deg, kan du logge inn med kontoen du har. Var det ikke "
            "deg, kan du se bort fra denne e-posten."
        ),
    ),
    "email_changed": (
        _("E-postadressen din i ipplan er endret"),
        _(
            "E-postadressen for kontoen din i ipplan er endret, og varsler går ikke lenger hit. "
            "Var det ikke deg, logg inn og endre passordet, eller kontakt kommunen."
        ),
    ),
    "letter": (
        _("Nytt brev i ipplan"),
        _("Du har fått et brev i innboksen din i ipplan."),
    ),
}
SECRET_PREFIX = "enc:"  # noqa: S105 (a marker, not a secret)
NO_ADDRESS_NOW = "NoAddressNow"  # reserved in KRR since it was queued, or no address left


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
            if not _address_checked(message):
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


def _address_checked(message: OutboxMessage) -> bool:
    """Before the send, KRR's current word (asked again if what we hold is old): a person who
    reserved themselves since gets nothing, a changed address gets it at the new one. The
    message is then given up as "no address now", which the administrator sees."""
    address = contact_registry.outbox_address_now(message)
    if address is None or address == message.address:
        return True
    if address:
        message.address = address
        message.save(update_fields=["address"])
        return True
    message.failed_at = timezone.now()
    message.last_error = NO_ADDRESS_NOW
    message.save(update_fields=["failed_at", "last_error"])
    return False


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
