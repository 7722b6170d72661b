"""Retention: a closed plan's working copy is deleted once the municipality's period has run out,
and never before a verified archive copy of the closed plan exists.

What goes (the working copy): the plan's content (about me, goals, measures, notes, cooperation
needs, participants, sub-plans and their files), consent records and their paper forms, grants
and the django-guardian object permissions built from them, invitations, handovers, meetings
with their minutes, message threads, the plan's change history and the readers' PDF copies.
What stays: the plan's row as a hollow stub (number, owner, municipality, dates, no text), its
archive copies (PDF/A with SHA-256, the municipality's archive record; the copy the deletion
relies on holds the complete consent history, so no consent record is lost with archiving
off), the decisions that refer to it, the access log until its own period ends, and a
tombstone (plans.PlanDeletion) that the owner and the administrator can read.

The history and the access log are append-only for every role but their owner (ipplan/
append_only.py). We delete rather than pseudonymise them: no role may UPDATE a log row, and
their text names plan content, so pseudonymising would mean rewriting rows. The deletion
therefore runs on its own database alias (settings.IPPLAN_RETENTION_DATABASE: the owner role,
given only to the worker) inside `log_maintenance`, all of one plan in one transaction: if the
alias is the application's role, PostgreSQL refuses the first log row, everything rolls back,
nothing is lost, and the plan is shown to the administrator as held back.

The access log is kept longer than the working copy (its own municipal period, at least as long)
so the person can still see who read the plan; it is deleted in a second step with a tombstone
of its own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from consent.models import (
    AccessGrant,
    AccessLogEntry,
    Consent,
    ConsentCosignature,
    Invitation,
    PlanSection,
)
from coordination.models import Meeting, MessageThread, Minutes
from ipplan.append_only import log_maintenance
from ipplan.files import private_storage
from plans.models import (
    ArchiveRecord,
    CooperationNeed,
    CoordinatorHandover,
    Goal,
    Measure,
    Participant,
    Plan,
    PlanChange,
    PlanDeletion,
    ProgressNote,
    SubPlan,
)
from plans.retention import (
    archive_is_intact,
    archive_since_closing,
    plans_past_access_log_period,
    plans_past_working_copy_period,
)
from plans.services.archive import archive_snapshot
from plans.services.pdf import CACHE_DIR

log = logging.getLogger("ipplan.retention")

Problem = Plan.RetentionProblem

# In an order that no PROTECT foreign key stands in the way of the next delete.
WORKING_COPY = (
    ("minutes", Minutes, "meeting__plan"),
    ("meetings", Meeting, "plan"),
    ("message_threads", MessageThread, "plan"),
    ("grants", AccessGrant, "plan"),
    ("consent_cosignatures", ConsentCosignature, "consent__plan"),
    ("consents", Consent, "plan"),
    ("plan_sections", PlanSection, "plan"),
    ("invitations", Invitation, "plan"),
    ("notes", ProgressNote, "plan"),
    ("measures", Measure, "plan"),
    ("goals", Goal, "plan"),
    ("cooperation_needs", CooperationNeed, "plan"),
    ("documents", SubPlan, "plan"),
    ("handovers", CoordinatorHandover, "plan"),
    ("participants", Participant, "plan"),
    ("history", PlanChange, "plan"),
)
# The stub keeps no text the person or the services wrote.
CLEARED_TEXT = (
    "what_matters",
    "resources",
    "needs",
    "language_culture",
    "closing_note",
    "close_request_reason",
)


@dataclass
class RetentionRun:
    deleted: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    access_logs_deleted: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "deleted": len(self.deleted),
            "held": len(self.held),
            "access_logs_deleted": len(self.access_logs_deleted),
        }


def _alias() -> str:
    return settings.IPPLAN_RETENTION_DATABASE


def retention_run(*, now=None, batch: int | None = None) -> RetentionRun:
    """One run of the job: a batch of working copies, then a batch of access logs. Running it
    again changes nothing (deleted plans are marked; a held plan is tried again next run)."""
    now = now or timezone.now()
    batch = batch or settings.IPPLAN_RETENTION_BATCH
    run = RetentionRun()
    due = plans_past_working_copy_period(now=now).exclude(retention_problem=Problem.HASH_MISMATCH)
    for plan in due.select_related("municipality", "owner", "coordinator")[:batch]:
        record = _verified_archive(plan)
        if record is not None and _delete_working_copy(plan, record, now):
            run.deleted.append(plan.pk)
        else:
            run.held.append(plan.pk)
    for plan in plans_past_access_log_period(now=now)[:batch]:
        if _delete_access_log(plan, now):
            run.access_logs_deleted.append(plan.pk)
    return run


def _verified_archive(plan: Plan) -> ArchiveRecord | None:
    """The archive copy of the closed plan, checked against its SHA-256; taken first when
    there is none, or when the copy since closing was made before copies held the consent
    history (the consent records are deleted with the working copy, so they must be in the
    copy that stays). None (and the plan held back, for the administrator) when neither works:
    a copy whose file does not match its hash is never replaced silently."""
    record = archive_since_closing(plan)
    if record is not None:
        if not archive_is_intact(record):
            return _hold(plan, Problem.HASH_MISMATCH)
        if record.consent_history:
            return record
    try:
        record = archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.RETENTION)
    except Exception:  # the renderer or the storage failed: keep everything, try next run
        log.exception("retention: archive copy of plan %s failed", plan.pk)
        return _hold(plan, Problem.ARCHIVE_FAILED)
    return record if archive_is_intact(record) else _hold(plan, Problem.HASH_MISMATCH)


def _hold(plan: Plan, problem: str) -> None:
    log.warning("retention: plan %s held back (%s)", plan.pk, problem)
    Plan.objects.filter(pk=plan.pk).update(
        retention_problem=problem, retention_problem_at=timezone.now()
    )
    return None


def _delete_working_copy(plan: Plan, record: ArchiveRecord, now) -> bool:
    alias = _alias()
    try:
        with log_maintenance(using=alias):
            stub = (
                Plan.objects.using(alias)
                .select_for_update()
                .filter(pk=plan.pk, working_copy_deleted_at__isnull=True)
                .first()
            )
            if stub is None:  # another run got there first
                return False
            files = _stored_files(plan, alias)
            counts = _delete_rows(plan, alias)
            Plan.objects.using(alias).filter(pk=plan.pk).update(
                **dict.fromkeys(CLEARED_TEXT, ""),
                working_copy_deleted_at=now,
                retention_problem="",
                retention_problem_at=None,
                version=stub.version + 1,
            )
            _tombstone(plan, record, PlanDeletion.Kind.WORKING_COPY, now, counts, alias)
            transaction.on_commit(lambda: _delete_files(plan.pk, files), using=alias)
    except DatabaseError:
        # Typically: the alias is the application's role, which may not delete history.
        log.exception("retention: deleting the working copy of plan %s failed", plan.pk)
        _hold(plan, Problem.DELETE_FAILED)
        return False
    return True


def _stored_files(plan: Plan, alias: str) -> list[str]:
    names = list(
        SubPlan.objects.using(alias).filter(plan=plan).values_list("storage_name", flat=True)
    )
    for model, path in ((Consent, "plan"), (ConsentCosignature, "consent__plan")):
        names += (
            model.objects.using(alias)
            .filter(**{path: plan})
            .exclude(paper_storage_name="")
            .values_list("paper_storage_name", flat=True)
        )
    return names


def _delete_rows(plan: Plan, alias: str) -> dict[str, int]:
    # A consent replaced by a newer one protects neither from going.
    Consent.objects.using(alias).filter(plan=plan).update(replaced_by=None)
    counts = {}
    for name, model, path in WORKING_COPY:
        counts[name] = _maintenance_delete(model.objects.using(alias).filter(**{path: plan}))
    return counts


def _maintenance_delete(queryset) -> int:
    """Django's own QuerySet.delete (counting this model's rows), also for a log: the logs'
    model layer refuses deletes to catch mistakes, and this is the one deliberate exception
    (the database still checks the role)."""
    _total, per_model = QuerySet.delete(queryset)
    return per_model.get(queryset.model._meta.label, 0)


def _delete_files(plan_id: int, names: list[str]) -> None:
    """After the commit: the rows are gone, so the files follow (a failure leaves an orphan
    file in private storage, never a row without its file)."""
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            log.warning("retention: a file of plan %s could not be deleted", plan_id)
    _delete_folder(storage, f"{CACHE_DIR}/{plan_id}")


def _delete_folder(storage, folder: str) -> None:
    try:
        folders, files = storage.listdir(folder)
    except OSError:
        return
    for name in files:
        storage.delete(f"{folder}/{name}")
    for name in folders:
        _delete_folder(storage, f"{folder}/{name}")


def _delete_access_log(plan: Plan, now) -> bool:
    alias = _alias()
    record = (
        PlanDeletion.objects.using(alias)
        .filter(plan=plan, kind=PlanDeletion.Kind.WORKING_COPY)
        .select_related("archive_record")
        .first()
    )
    if record is None:  # no working-copy tombstone: nothing says which archive copy stays
        return False
    try:
        with log_maintenance(using=alias):
            if (
                not Plan.objects.using(alias)
                .select_for_update()
                .filter(pk=plan.pk, access_log_deleted_at__isnull=True)
                .exists()
            ):
                return False
            count = _maintenance_delete(AccessLogEntry.objects.using(alias).filter(plan=plan))
            Plan.objects.using(alias).filter(pk=plan.pk).update(access_log_deleted_at=now)
            _tombstone(
                plan,
                record.archive_record,
                PlanDeletion.Kind.ACCESS_LOG,
                now,
                {"access_log": count},
                alias,
            )
    except DatabaseError:
        log.exception("retention: deleting the access log of plan %s failed", plan.pk)
        return False
    return True


def _tombstone(plan, record, kind, now, counts, alias) -> PlanDeletion:
    return PlanDeletion.objects.using(alias).create(
        plan_id=plan.pk,
        kind=kind,
        owner_id=plan.owner_id,
        municipality_id=plan.municipality_id,
        closed_at=plan.closed_at,
        archive_record=record,
        archive_sha256=record.sha256,
        deleted_at=now,
        counts=counts,
    )
