"""The archive delivery outbox: recording what must reach the Noark 5 archive, sending it through
Fiks IO (at least once, idempotent by our reference, with backoff and a limit), storing the
archive's receipts, and the monthly packages for a municipality without Fiks.

`archive_delivery_record` runs inside the transaction that creates the document, so a letter or
snapshot never exists without its delivery; the send is published after the commit and the
sweep retries whatever is due. Nothing here can fail a save: the send happens in the worker.
"""

from __future__ import annotations

import datetime
import io
import logging
import zipfile

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import crypto
from ipplan import fiks_setup
from ipplan.breaker import broker_breaker
from plans.models import ArchiveDelivery
from plans.noark import arkivmelding
from plans.noark.delivery import (  # noqa: F401 (the delivery side, re-exported for callers)
    deliver,
    deliver_due,
    delivery_document,
    delivery_message,
    receipt_record,
    receive_receipts,
)

log = logging.getLogger("ipplan.archive")
DELIVER_TASK = "plans.tasks.deliver_archive_delivery"


def archive_mode() -> str:
    """ "fiks", "package", or "" (off: nothing is recorded)."""
    return settings.IPPLAN_ARCHIVE_MODE


def municipality_archive_mode(municipality) -> str:
    """The installation's mode, except that in Fiks mode a municipality without a Fiks setup of
    its own (ipplan/fiks_setup.py) gets IPPLAN_ARCHIVE_MODE_WITHOUT_FIKS (monthly packages by
    default). An unreadable municipalities file keeps Fiks: the send fails, is retried and is
    shown to the administrator, and the user's save goes through."""
    mode = archive_mode()
    if mode != ArchiveDelivery.Mode.FIKS:
        return mode
    try:
        setup = fiks_setup.setup_for(municipality.municipality_number)
    except fiks_setup.SetupError:
        return mode
    return mode if setup is not None else settings.IPPLAN_ARCHIVE_MODE_WITHOUT_FIKS


def archive_delivery_record(
    *,
    municipality,
    plan,
    kind: str,
    source: str,
    doc: arkivmelding.ArchiveDocument,
    storage_name,
    mode: str | None = None,
) -> ArchiveDelivery | None:
    """Record one document for the archive, in the caller's transaction. A second call for the
    same source returns the first row: one delivery per document. `mode` defaults to the
    installation's setting for this municipality (the demo records a receipt for one letter
    whatever the setting)."""
    mode = municipality_archive_mode(municipality) if mode is None else mode
    if not mode:
        return None
    existing = ArchiveDelivery.objects.filter(source=source).first()
    if existing:
        return existing
    delivery = ArchiveDelivery(
        municipality=municipality,
        plan=plan,
        kind=kind,
        mode=mode,
        source=source,
        folder_key=doc.folder_key,
        title=doc.public_title[:200],
        storage_name=storage_name,
        filename=doc.filename,
        sha256=doc.sha256,
        size=doc.size,
    )
    message = arkivmelding.build(doc, reference=str(delivery.reference))
    delivery.message_encrypted = crypto.encrypt(message.decode())
    delivery.save()
    if mode == ArchiveDelivery.Mode.FIKS:
        transaction.on_commit(lambda: _publish(delivery.pk))
    return delivery


def _publish(delivery_id: int) -> None:
    """After the commit; never raises. A broker that is down leaves the row for the sweep. The
    task is found by name (plans.tasks imports the snapshot service, which imports this)."""
    if broker_breaker.is_open():
        return
    try:
        task = current_app.tasks[DELIVER_TASK]
        task.apply_async((delivery_id,), retry=False)
    except Exception as error:
        broker_breaker.trip(error, f"archive delivery {delivery_id} left for the sweep")


def deliveries_in_folder(folder_key: str) -> list[ArchiveDelivery]:
    """What went (or goes) to the archive in one case's or plan's folder, newest first."""
    return list(ArchiveDelivery.objects.filter(folder_key=folder_key).order_by("-created_at")[:100])


def deliveries_by_source(sources) -> dict[str, ArchiveDelivery]:
    return {d.source: d for d in ArchiveDelivery.objects.filter(source__in=list(sources))}


def archive_delivery_retry(*, delivery_id: int, municipality_ids) -> ArchiveDelivery:
    """The administrator sends a given-up delivery again (after the cause is fixed)."""
    with transaction.atomic():
        delivery = (
            ArchiveDelivery.objects.select_for_update()
            .filter(
                pk=delivery_id,
                municipality_id__in=municipality_ids,
                mode=ArchiveDelivery.Mode.FIKS,
                failed_at__isnull=False,
            )
            .first()
        )
        if delivery is None:
            raise ArchiveDelivery.DoesNotExist
        delivery.failed_at = None
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["failed_at", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda: _publish(delivery.pk))
    return delivery


# --- Monthly packages (municipalities without Fiks) ------------------------------------------


def package_months(*, municipality_ids) -> list[dict]:
    """The months that have archive entries, newest first, with their counts."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    return list(
        ArchiveDelivery.objects.filter(
            municipality_id__in=municipality_ids, mode=ArchiveDelivery.Mode.PACKAGE
        )
        .annotate(month=TruncMonth("created_at"))
        .values("municipality_id", "municipality__name", "month")
        .annotate(count=Count("pk"))
        .order_by("-month", "municipality__name")
    )


def package_deliveries(*, municipality_id: int, year: int, month: int):
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=zone)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return ArchiveDelivery.objects.filter(
        municipality_id=municipality_id,
        mode=ArchiveDelivery.Mode.PACKAGE,
        created_at__gte=start,
        created_at__lt=end,
    ).order_by("created_at", "pk")


def package_build(*, deliveries) -> bytes:
    """One zip: per entry a folder with its arkivmelding.xml and its PDF/A, plus a list."""
    buffer = io.BytesIO()
    lines = ["reference;created;kind;file;sha256"]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, delivery in enumerate(deliveries, start=1):
            folder = f"{number:04d}-{delivery.reference}"
            archive.writestr(f"{folder}/arkivmelding.xml", delivery_message(delivery))
            archive.writestr(f"{folder}/{delivery.filename}", delivery_document(delivery))
            lines.append(
                f"{delivery.reference};{delivery.created_at.isoformat()};{delivery.kind};"
                f"{folder}/{delivery.filename};{delivery.sha256}"
            )
        archive.writestr("innhold.csv", "\n".join(lines) + "\n")
    return buffer.getvalue()
