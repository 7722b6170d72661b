"""Decision letters and interim replies to the addressee's digital mailbox, or on paper.

A delivery row per addressee (the person, or for a child both parents with parental
responsibility) is written in the letter's own transaction; a task sends it (at least once,
idempotent by our reference, retried with backoff) and later asks the service how far it got
(sent, delivered, read). Who cannot get digital post (reserved in KRR, not in KRR, no digital
mailbox, no identity number) gets the letter on paper: the delivery is marked for printing,
the case handler's queue shows it, and the case handler marks it printed and posted. A
delivery the service keeps refusing is given up and shown to the municipality's administrator,
and on the case for printing: never lost. The ipplan inbox keeps its copy either way.
"""

from __future__ import annotations

import datetime
import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.contact_registry import entries_for, registry_refresh_if_stale
from accounts.models import User
from accounts.notifications import publish
from casework.models import Letter, LetterDelivery
from casework.selectors import letter_addressee_users
from ipplan import digitalpost
from ipplan.files import private_storage

log = logging.getLogger("ipplan.digitalpost")

State, Reason = LetterDelivery.State, LetterDelivery.PrintReason
# The letters the law requires to reach the person (decisions and interim replies).
DIGITAL_POST_KINDS = frozenset({Letter.Kind.DECISION, Letter.Kind.INTERIM})
NOT_PRINTABLE = _("Dette brevet venter ikke på utskrift.")
STATUS_BATCH = 100
SEND_TASK = "casework.tasks.deliver_pending_letters"


def deliveries_create(*, letter: Letter) -> list[LetterDelivery]:
    """Inside the letter's transaction. With digital post on, every addressee gets a pending
    delivery (the task asks KRR when it sends); with it off, letters stay in the ipplan inbox,
    except for those KRR says are reserved: they get theirs on paper."""
    if letter.kind not in DIGITAL_POST_KINDS:
        return []
    people = letter_addressee_users(letter.case)
    entries = entries_for(p.pk for p in people)
    rows = []
    # With digital post off, the municipality is not even looked at.
    digital = digitalpost.enabled() and digitalpost.enabled_for(
        letter.case.municipality.municipality_number
    )
    for person in people:
        entry = entries.get(person.pk)
        if digital:
            rows.append(LetterDelivery(letter=letter, addressee=person))
        elif entry is not None and entry.reserved:
            rows.append(
                LetterDelivery(
                    letter=letter, addressee=person, state=State.PRINT, print_reason=Reason.RESERVED
                )
            )
    for row in rows:
        row.reference = f"ipplan-{letter.pk}-{row.addressee.pk}"
    created = LetterDelivery.objects.bulk_create(rows)
    if any(row.state == State.PENDING for row in created):
        transaction.on_commit(_publish_sweep)
    return created


def _publish_sweep() -> None:
    # By name (the registry finds casework/tasks.py): tasks call services, not the reverse.
    publish(current_app.tasks[SEND_TASK], "letter deliveries")


def _print_reason(person: User) -> str | None:
    """Why this person must get the letter on paper (None: digital post can reach them).
    Raises DigitalPostError when KRR cannot say and nothing is stored: try again later."""
    if not person.has_national_id:
        return Reason.NO_NATIONAL_ID
    entry = registry_refresh_if_stale(person)
    if entry is None:
        raise digitalpost.DigitalPostError("KRR has not answered for the addressee")
    if entry.reserved:
        return Reason.RESERVED
    if entry.digital_contact_refused:
        return Reason.NOT_IN_KRR
    if not entry.has_mailbox:
        return Reason.NO_MAILBOX
    return None


def delivery_send(delivery_id: int) -> bool:
    """Send one pending delivery; the row stays locked meanwhile, so two workers never both
    send it. A failure is counted (backoff) in a transaction of its own."""
    try:
        with transaction.atomic():
            delivery = (
                LetterDelivery.objects.select_for_update(skip_locked=True)
                .select_related("letter__case__municipality", "addressee")
                .filter(pk=delivery_id, state=State.PENDING)
                .first()
            )
            if delivery is None:
                return False
            reason = _print_reason(delivery.addressee)
            now = timezone.now()
            if reason:
                delivery.state, delivery.print_reason = State.PRINT, reason
                delivery.state_changed_at = now
                delivery.save(update_fields=["state", "print_reason", "state_changed_at"])
                return True
            delivery.external_id = _send(delivery)
            delivery.transport = settings.IPPLAN_DIGITAL_POST_BACKEND
            delivery.state, delivery.sent_at, delivery.state_changed_at = State.SENT, now, now
            delivery.attempts += 1
            delivery.save(
                update_fields=[
                    "external_id",
                    "transport",
                    "state",
                    "sent_at",
                    "state_changed_at",
                    "attempts",
                ]
            )
            return True
    except Exception as error:
        _record_failure(delivery_id, error)
        raise


def _send(delivery: LetterDelivery) -> str:
    transport = digitalpost.transport()
    letter, person = delivery.letter, delivery.addressee
    sender = letter.case.municipality.municipality_number
    if delivery.attempts:
        # An earlier attempt may have reached the service and lost its answer on the way back.
        found = transport.find(sender=sender, reference=delivery.reference)
        if found:
            return found
    with private_storage().open(letter.storage_name, "rb") as handle:
        pdf = handle.read()
    return transport.send(
        digitalpost.OutgoingLetter(
            reference=delivery.reference,
            sender=sender,
            title=letter.title,
            recipient_national_id=person.get_national_id(),
            recipient_name=person.display_name,
            filename=f"brev-{letter.pk}.pdf",
            pdf=pdf,
        )
    )


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes after each failure, at most six hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _record_failure(delivery_id: int, error: Exception) -> None:
    with transaction.atomic():
        delivery = (
            LetterDelivery.objects.select_for_update()
            .filter(pk=delivery_id, state=State.PENDING)
            .first()
        )
        if delivery is None:
            return
        now = timezone.now()
        delivery.attempts += 1
        # The error's own words from the service (a status code, an error code), no content.
        delivery.last_error = f"{type(error).__name__}: {error}"[:300]
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        fields = ["attempts", "last_error", "next_attempt_at"]
        if delivery.attempts >= settings.IPPLAN_LETTER_DELIVERY_MAX_ATTEMPTS:
            delivery.state, delivery.failed_at, delivery.state_changed_at = State.FAILED, now, now
            fields += ["state", "failed_at", "state_changed_at"]
            log.warning(
                "letter delivery %s: given up after %s attempts", delivery.pk, delivery.attempts
            )
        delivery.save(update_fields=fields)


def due_delivery_ids(limit: int) -> list[int]:
    return list(
        LetterDelivery.objects.filter(state=State.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_send_due(*, batch: int = 50) -> int:
    sent = 0
    for delivery_id in due_delivery_ids(batch):
        try:
            sent += delivery_send(delivery_id)
        except Exception:  # counted by delivery_send; retried when due
            log.info("letter delivery %s: send failed, retried later", delivery_id)
    return sent


# The service's word -> our state. A letter the service could not deliver goes to the print
# queue: it must reach the person.
_FROM_SERVICE = {
    digitalpost.DELIVERED: State.DELIVERED,
    digitalpost.READ: State.READ,
    digitalpost.PRINTED: State.PRINTED,
    digitalpost.FAILED: State.PRINT,
}
_ORDER = [State.SENT, State.DELIVERED, State.READ]


def delivery_states_poll() -> int:
    """Ask the service how far the letters on their way have come; returns how many changed.
    A failure leaves the states as they are until the next poll."""
    if not digitalpost.enabled():
        return 0
    open_ = LetterDelivery.objects.filter(
        state__in=[State.SENT, State.DELIVERED], transport=settings.IPPLAN_DIGITAL_POST_BACKEND
    ).select_related("letter__case__municipality")
    by_sender: dict[str, list[LetterDelivery]] = {}
    for delivery in open_:
        by_sender.setdefault(delivery.letter.case.municipality.municipality_number, []).append(
            delivery
        )
    changed = 0
    transport = digitalpost.transport()
    for sender, deliveries in by_sender.items():
        for start in range(0, len(deliveries), STATUS_BATCH):
            batch = {d.external_id: d for d in deliveries[start : start + STATUS_BATCH]}
            try:
                states = transport.statuses(sender=sender, ids=list(batch))
            except digitalpost.DigitalPostError as error:
                log.info("letter states for %s not read: %s", sender, error)
                continue
            for external_id, word in states.items():
                changed += _apply_state(batch[external_id], _FROM_SERVICE.get(word, State.SENT))
    return changed


def _apply_state(delivery: LetterDelivery, state: str) -> int:
    if state == delivery.state:
        return 0
    if state in _ORDER and _ORDER.index(state) < _ORDER.index(delivery.state):
        return 0  # never backwards (a read letter stays read)
    delivery.state, delivery.state_changed_at = state, timezone.now()
    fields = ["state", "state_changed_at"]
    if state == State.PRINT:
        delivery.print_reason = Reason.REFUSED
        fields.append("print_reason")
    delivery.save(update_fields=fields)
    return 1


def failed_deliveries_in(municipality_ids) -> QuerySet[LetterDelivery]:
    """Deliveries the service kept refusing until ipplan gave up, for the administrator: who,
    which case, when and the service's error; never what the letter said."""
    return (
        LetterDelivery.objects.filter(
            state=State.FAILED, letter__case__municipality_id__in=municipality_ids
        )
        .select_related("letter__case", "addressee")
        .order_by("-failed_at", "-pk")
    )


@transaction.atomic
def delivery_retry(*, delivery_id: int, municipality_ids, acting_user) -> LetterDelivery:
    """The administrator sends a given-up letter again (after the account or the service was
    fixed); 404-like LookupError outside their municipalities."""
    delivery = (
        LetterDelivery.objects.select_for_update()
        .filter(
            pk=delivery_id, state=State.FAILED, letter__case__municipality_id__in=municipality_ids
        )
        .first()
    )
    if delivery is None:
        raise LookupError("no such failed delivery")
    delivery.state, delivery.attempts, delivery.failed_at = State.PENDING, 0, None
    delivery.next_attempt_at = delivery.state_changed_at = timezone.now()
    delivery.save(
        update_fields=["state", "attempts", "failed_at", "next_attempt_at", "state_changed_at"]
    )
    log.info("letter delivery %s: sent again by user #%s", delivery.pk, acting_user.pk)
    transaction.on_commit(_publish_sweep)
    return delivery


def deliveries_needing_print(case_ids) -> QuerySet[LetterDelivery]:
    return LetterDelivery.objects.filter(
        letter__case_id__in=case_ids, state__in=[State.PRINT, State.FAILED]
    )
