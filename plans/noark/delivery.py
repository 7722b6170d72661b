"""Sending the archive deliveries (plans/services/noark.py records them): one delivery at a time
through Fiks IO, at least once and never twice at the same time (the row stays locked while it is
sent), failures counted with backoff and given up after the limit; the archive's receipts read
from our Fiks IO queue. The Celery tasks (plans/tasks.py) call this module."""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import time
import xml.etree.ElementTree as ET
import zipfile

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import crypto
from ipplan import fiks_setup
from ipplan.files import private_storage
from plans.models import ArchiveDelivery
from plans.noark import fiks_io

log = logging.getLogger("ipplan.archive")


def delivery_message(delivery: ArchiveDelivery) -> bytes:
    return crypto.decrypt(delivery.message_encrypted).encode()


def delivery_document(delivery: ArchiveDelivery) -> bytes:
    with private_storage().open(delivery.storage_name, "rb") as handle:
        return handle.read()


def delivery_files(delivery: ArchiveDelivery) -> list[tuple[str, bytes, str]]:
    return [
        ("arkivmelding.xml", delivery_message(delivery), "application/xml"),
        (delivery.filename, delivery_document(delivery), "application/pdf"),
    ]


def deliver(delivery_id: int) -> bool:
    """Send one due delivery if it is still unsent; the row stays locked while sending, so two
    workers never both send it. A failure is counted after the rollback (`record_failure`)."""
    try:
        with transaction.atomic():
            delivery = (
                ArchiveDelivery.objects.select_for_update(skip_locked=True)
                .filter(
                    pk=delivery_id,
                    mode=ArchiveDelivery.Mode.FIKS,
                    sent_at__isnull=True,
                    failed_at__isnull=True,
                )
                .first()
            )
            if delivery is None:
                return False
            setup = fiks_io.setup_for(delivery.municipality.municipality_number)
            sent = fiks_io.send(
                files=delivery_files(delivery), reference=str(delivery.reference), setup=setup
            )
            delivery.attempts += 1
            delivery.sent_at = timezone.now()
            delivery.fiks_message_id = sent.message_id
            delivery.last_error = ""
            delivery.save(update_fields=["attempts", "sent_at", "fiks_message_id", "last_error"])
            return True
    except Exception as error:
        record_failure(delivery_id, error)
        raise


def retry_delay(attempts: int) -> datetime.timedelta:
    """2, 4, 8 ... minutes after each failure, at most six hours."""
    return datetime.timedelta(minutes=min(2**attempts, 360))


def record_failure(delivery_id: int, error: Exception) -> None:
    """Count the attempt in a transaction of its own, push the next one back, give up (and show
    the administrator) after the limit. The error names its kind and Fiks's status, no content."""
    with transaction.atomic():
        delivery = (
            ArchiveDelivery.objects.select_for_update()
            .filter(pk=delivery_id, sent_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if delivery is None:
            return
        now = timezone.now()
        delivery.attempts += 1
        detail = str(error) if isinstance(error, fiks_io.FiksError) else type(error).__name__
        delivery.last_error = detail[:300]
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        if delivery.attempts >= settings.IPPLAN_ARCHIVE_MAX_ATTEMPTS:
            delivery.failed_at = now
            log.warning("archive delivery %s: given up after %s", delivery.pk, delivery.attempts)
        delivery.save(update_fields=["attempts", "last_error", "next_attempt_at", "failed_at"])


def due_ids(limit: int) -> list[int]:
    return list(
        ArchiveDelivery.objects.filter(
            mode=ArchiveDelivery.Mode.FIKS,
            sent_at__isnull=True,
            failed_at__isnull=True,
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_due(*, batch: int = 20, seconds: float = 30) -> int:
    started, sent = time.monotonic(), 0
    for delivery_id in due_ids(batch):
        if time.monotonic() - started > seconds:
            break
        try:
            sent += deliver(delivery_id)
        except Exception:  # counted by deliver(); retried when due
            log.info("archive delivery %s: send failed, retried later", delivery_id)
    return sent


# --- Receipts -------------------------------------------------------------------------------

KVITTERING_NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/kvittering/v1"


def receipt_reference(xml: bytes) -> str:
    """The archive's reference from an arkivmeldingKvittering: "year/number-entry" (saksaar/
    sakssekvensnummer-journalpostnummer) when it gives them, else the registry entry's
    systemID."""
    root = ET.fromstring(xml)  # noqa: S314 (from the archive, over an authenticated channel)

    def text(parent, name):
        found = parent.find(f"{{{KVITTERING_NS}}}{name}") if parent is not None else None
        return (found.text or "").strip() if found is not None else ""

    folder = root.find(f"{{{KVITTERING_NS}}}mappeKvittering")
    entry = root.find(f"{{{KVITTERING_NS}}}registreringKvittering")
    if entry is None:
        raise ValueError("the receipt has no registreringKvittering")
    year, number = text(folder, "saksaar"), text(folder, "sakssekvensnummer")
    entry_number = text(entry, "journalpostnummer")
    if year and number:
        return f"{year}/{number}" + (f"-{entry_number}" if entry_number else "")
    return text(entry, "systemID")


def receipt_record(
    *, answers: str, message_type: str, payload: bytes, account: str = ""
) -> ArchiveDelivery | None:
    """Store what the archive answered to our message `answers` (its Fiks IO message id). Given
    the `account` whose queue it came from, an answer to another account's message is ignored:
    one municipality's queue never settles another's delivery."""
    delivery = (
        ArchiveDelivery.objects.select_related("municipality")
        .filter(fiks_message_id=answers)
        .first()
    )
    if delivery is None:
        log.info("archive receipt for an unknown message; ignored")
        return None
    setup = fiks_io.setup_for(delivery.municipality.municipality_number)
    if account and setup.fiks_io_account_id != account:
        log.warning("archive receipt on account %s for another account's message; ignored", account)
        return None
    if fiks_io.RECEIPT_TYPES.get(message_type) == "receipt":
        xml = _receipt_xml(fiks_io.decrypt(payload, setup))
        delivery.archive_reference = receipt_reference(xml)[:60]
        delivery.receipt_at = timezone.now()
        delivery.save(update_fields=["archive_reference", "receipt_at"])
    elif message_type.startswith(fiks_io.ERROR_PREFIX):
        # The archive refused the message: keep its kind and show it to the administrator.
        delivery.last_error = f"archive refused: {message_type[len(fiks_io.ERROR_PREFIX) :]}"
        delivery.failed_at = timezone.now()
        delivery.save(update_fields=["last_error", "failed_at"])
    return delivery


def _receipt_xml(container: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") and not name.startswith("META-INF/"):
                return archive.read(name)
    raise ValueError("the receipt has no XML")


def _header(headers: dict, name: str) -> str:
    """Fiks IO's AMQP headers (melding-id, type, svar-til ...) arrive as UTF-8 bytes."""
    value = headers.get(name, b"")
    return value.decode() if isinstance(value, bytes) else str(value)


def receive_receipts(*, seconds: float = 20, credentials: tuple[str, str] | None = None) -> int:
    """Read the replies waiting on each municipality's Fiks IO queue (its own account and
    login) for at most `seconds` in all; a queue that cannot be read is tried next time and the
    others are read. `credentials` replaces Fiks IO's login (fiks_io.amqp_credentials)."""
    handled = 0
    deadline = time.monotonic() + seconds
    for setup in fiks_setup.all_setups():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            handled += _receive_from(setup, seconds=left, credentials=credentials)
        except Exception as error:
            log.warning(
                "archive receipts: queue of account %s not read (%s)",
                setup.fiks_io_account_id,
                type(error).__name__,
            )
    return handled


def _receive_from(setup, *, seconds: float, credentials: tuple[str, str] | None) -> int:
    """The replies on one account's queue; each is acked only after it is stored, so a crash
    leaves it on the queue."""
    import amqp

    user, password = credentials or fiks_io.amqp_credentials(setup)
    host, _, vhost = settings.IPPLAN_FIKS_IO_AMQP_HOST.partition("/")
    connection = amqp.Connection(
        host=host,
        userid=user,
        password=password,
        virtual_host=vhost or "/",
        ssl=settings.IPPLAN_FIKS_IO_AMQP_TLS,
        connect_timeout=settings.IPPLAN_FIKS_TIMEOUT_SECONDS,
        read_timeout=settings.IPPLAN_FIKS_TIMEOUT_SECONDS,
        write_timeout=settings.IPPLAN_FIKS_TIMEOUT_SECONDS,
    )
    handled = 0
    deadline = time.monotonic() + seconds
    try:
        connection.connect()
        channel = connection.channel()
        while time.monotonic() < deadline:
            message = channel.basic_get(queue=fiks_io.queue_name(setup), no_ack=False)
            if message is None:
                break
            headers = message.properties.get("application_headers") or {}
            try:
                receipt_record(
                    answers=_header(headers, "svar-til"),
                    message_type=_header(headers, "type"),
                    payload=bytes(message.body),
                    account=setup.fiks_io_account_id,
                )
            except Exception as error:
                # Left on the queue for the next run (and for an operator to see there).
                log.warning("archive receipt not readable: %s", type(error).__name__)
                channel.basic_reject(message.delivery_tag, requeue=True)
                break
            channel.basic_ack(message.delivery_tag)
            handled += 1
    finally:
        # A connection that never opened has nothing to close.
        with contextlib.suppress(Exception):
            connection.close()
    return handled
