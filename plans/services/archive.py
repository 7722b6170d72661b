"""Archive snapshots: the whole plan as PDF/A with its SHA-256 and a timestamp, stored apart
from the database. Taken on closing, on demand by the coordinator, and periodically. Each holds
the plan's complete consent history (ArchiveRecord.consent_history)."""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone, translation

from ipplan.files import private_storage
from plans.access import (
    access_log_write,
    consent_history,
    full_read_access,
    plan_access,
    system_access,
)
from plans.models import ArchiveDelivery, ArchiveRecord, Plan
from plans.noark.arkivmelding import ENTRY_NOTE, SCREENED, ArchiveDocument
from plans.sections import OVERVIEW, Action
from plans.selectors import plan_overview
from plans.services.noark import archive_delivery_record
from plans.services.pdf import render_plan_pdf


@transaction.atomic
def archive_snapshot(*, plan: Plan, reason: str, acting_user=None) -> ArchiveRecord:
    """Everything in the plan goes into the archive copy, whoever triggers it."""
    overview = plan_overview(plan, full_read_access(plan), notes_limit=None)
    # The consent records go into the copy: the working copy that holds them is deleted once
    # its period has run out (coordination/services/retention.py), archiving on or off.
    pdf = render_plan_pdf(
        overview,
        printed_by="ipplan (arkiv)",
        purpose="archive",
        consents=consent_history(plan),
    )
    storage = private_storage()
    name = storage.save(f"archive/{plan.pk}/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    try:
        record = ArchiveRecord.objects.create(
            plan=plan,
            reason=reason,
            created_by=acting_user,
            storage_name=name,
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            consent_history=True,
        )
        access = system_access(plan) if acting_user is None else plan_access(acting_user, plan)
        access_log_write(
            access=access,
            actor=acting_user,
            action=Action.ARCHIVE,
            section=OVERVIEW,
            target=record,
        )
        snapshot_archive(record=record)
    except Exception:
        storage.delete(name)
        raise
    return record


PLAN_FOLDER_TITLE = "Individuell plan: %(name)s"
SNAPSHOT_TITLE = "Arkivkopi av planen (%(reason)s)"


def snapshot_archive(*, record: ArchiveRecord):
    """The snapshot to the plan's folder in the Noark 5 archive (one folder per person and
    plan), in the snapshot's transaction; delivered by plans.services.noark."""
    plan = record.plan
    name = plan.owner.display_name
    with translation.override(settings.LANGUAGE_CODE):
        title = SNAPSHOT_TITLE % {"reason": str(ArchiveRecord.Reason(record.reason).label)}
        author = record.created_by.display_name if record.created_by else "ipplan"
    doc = ArchiveDocument(
        folder_key=f"plan:{plan.pk}",
        folder_title=PLAN_FOLDER_TITLE % {"name": name},
        folder_public_title=PLAN_FOLDER_TITLE % {"name": SCREENED},
        title=title,
        public_title=title,
        entry=ENTRY_NOTE,
        document_date=timezone.localdate(record.created_at),
        created_at=record.created_at,
        author=author,
        correspondent=plan.municipality.coordinating_unit_name,
        unit=plan.municipality.coordinating_unit_name,
        filename=f"plan-{plan.pk}-arkivkopi-{record.pk}.pdf",
        sha256=record.sha256,
        size=record.size,
        national_id=plan.owner.get_national_id(),
    )
    return archive_delivery_record(
        municipality=plan.municipality,
        plan=plan,
        kind=ArchiveDelivery.Kind.PLAN_SNAPSHOT,
        source=f"snapshot:{record.pk}",
        doc=doc,
        storage_name=record.storage_name,
    )


def archive_on_demand(*, plan: Plan, acting_user) -> ArchiveRecord:
    access = plan_access(acting_user, plan)
    if not access.can_manage_plan:
        raise PermissionDenied
    return archive_snapshot(
        plan=plan, reason=ArchiveRecord.Reason.ON_DEMAND, acting_user=acting_user
    )


def archive_open(record: ArchiveRecord):
    return private_storage().open(record.storage_name, "rb")


def plans_due_for_archive(*, now=None):
    """Active plans whose last archive copy (or activation, if none) is older than the interval."""
    now = now or timezone.now()
    threshold = now - datetime.timedelta(days=settings.IPPLAN_ARCHIVE_INTERVAL_DAYS)
    last = (
        ArchiveRecord.objects.filter(plan=OuterRef("pk"))
        .values("plan")
        .annotate(last=Max("created_at"))
        .values("last")[:1]
    )
    return (
        Plan.objects.filter(status=Plan.Status.ACTIVE)
        .annotate(last_archived=Subquery(last))
        .filter(
            Q(last_archived__lt=threshold)
            | Q(last_archived__isnull=True, activated_at__lt=threshold)
        )
        .order_by("pk")
    )


def archive_due_plans(*, now=None, batch: int = 20) -> int:
    due = list(
        plans_due_for_archive(now=now).select_related("owner", "coordinator", "municipality")[
            :batch
        ]
    )
    for plan in due:
        archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.PERIODIC)
    return len(due)
