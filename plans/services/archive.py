"""Archive snapshots: the whole plan as PDF/A with its SHA-256 and a timestamp, stored apart
from the database. Taken on closing, on demand by the coordinator, and periodically."""

from __future__ import annotations

import hashlib
import uuid

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from consent.models import AccessLogEntry
from consent.policy import PlanAccess, full_read_access, plan_access
from consent.services.access_log import access_log_write
from ipplan.files import private_storage
from plans.models import ArchiveRecord, Plan
from plans.sections import OVERVIEW
from plans.selectors import plan_overview
from plans.services.pdf import render_plan_pdf


@transaction.atomic
def archive_snapshot(*, plan: Plan, reason: str, acting_user=None) -> ArchiveRecord:
    """Everything in the plan goes into the archive copy, whoever triggers it."""
    overview = plan_overview(plan, full_read_access(plan), notes_limit=None)
    pdf = render_plan_pdf(overview, printed_by="ipplan (arkiv)", purpose="archive")
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
        )
        if acting_user is None:
            access = PlanAccess(plan=plan, role=AccessLogEntry.ActorRole.SYSTEM)
        else:
            access = plan_access(acting_user, plan)
        access_log_write(
            access=access,
            actor=acting_user,
            action=AccessLogEntry.Action.ARCHIVE,
            section=OVERVIEW,
            target=record,
        )
    except Exception:
        storage.delete(name)
        raise
    return record


def archive_on_demand(*, plan: Plan, acting_user) -> ArchiveRecord:
    access = plan_access(acting_user, plan)
    if not access.can_manage_plan:
        raise PermissionDenied
    return archive_snapshot(
        plan=plan, reason=ArchiveRecord.Reason.ON_DEMAND, acting_user=acting_user
    )


def archive_open(record: ArchiveRecord):
    return private_storage().open(record.storage_name, "rb")
