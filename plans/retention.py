"""When a closed plan's working copy and access log go, and whether its archive copy is sound.

The dates are the municipality's choice (Municipality.working_copy_retention_months and
access_log_retention_months, counted from closing). The deletion itself touches meetings,
messages and grants, which live on higher floors: coordination/services/retention.py."""

from __future__ import annotations

import datetime
import hashlib

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from accounts.models import Municipality
from ipplan.files import private_storage
from plans.models import ArchiveRecord, Plan


def months_after(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day `months` later (the month's last day when it has no such day)."""
    return moment + relativedelta(months=months)


def working_copy_deletion_at(plan: Plan) -> datetime.datetime | None:
    """When the closed plan's working copy is due to be deleted; None while it is open."""
    if not plan.is_closed or plan.closed_at is None:
        return None
    return months_after(plan.closed_at, plan.municipality.working_copy_retention_months)


def access_log_deletion_at(plan: Plan) -> datetime.datetime | None:
    if not plan.is_closed or plan.closed_at is None:
        return None
    return months_after(plan.closed_at, plan.municipality.access_log_retention_months)


def _closed_before(field: str, now: datetime.datetime, municipalities) -> Q:
    """Closed plans whose period in `field` (months, per municipality) has run out: one OR
    over the municipalities, so the database finds them in one query."""
    condition = Q(pk__in=[])
    for municipality in municipalities:
        cutoff = now - relativedelta(months=getattr(municipality, field))
        condition |= Q(municipality_id=municipality.pk, closed_at__lte=cutoff)
    return condition


def _municipalities(municipality_ids):
    municipalities = Municipality.objects.only(
        "pk", "working_copy_retention_months", "access_log_retention_months"
    )
    if municipality_ids is not None:
        municipalities = municipalities.filter(pk__in=municipality_ids)
    return list(municipalities)


def working_copy_due(now, municipalities) -> Q:
    """Closed plans whose working copy is past its period and still there."""
    return _closed_before("working_copy_retention_months", now, municipalities) & Q(
        status=Plan.Status.CLOSED, working_copy_deleted_at__isnull=True
    )


def access_log_due(now, municipalities) -> Q:
    """Plans whose working copy is gone and whose access log is past its period."""
    return _closed_before("access_log_retention_months", now, municipalities) & Q(
        working_copy_deleted_at__isnull=False, access_log_deleted_at__isnull=True
    )


def plans_past_working_copy_period(*, now, municipality_ids=None):
    condition = working_copy_due(now, _municipalities(municipality_ids))
    return Plan.objects.filter(condition).order_by("closed_at", "pk")


def plans_past_access_log_period(*, now, municipality_ids=None):
    condition = access_log_due(now, _municipalities(municipality_ids))
    return Plan.objects.filter(condition).order_by("closed_at", "pk")


def archive_since_closing(plan: Plan) -> ArchiveRecord | None:
    """The newest archive copy taken at or after closing: it holds the plan as closed."""
    return (
        ArchiveRecord.objects.filter(plan=plan, created_at__gte=plan.closed_at)
        .order_by("-created_at", "-pk")
        .first()
    )


def archive_is_intact(record: ArchiveRecord) -> bool:
    """The stored file is there and its SHA-256 and size are what was recorded."""
    digest = hashlib.sha256()
    size = 0
    try:
        with private_storage().open(record.storage_name, "rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        return False
    return size == record.size and digest.hexdigest() == record.sha256
