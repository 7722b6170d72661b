"""Issue 11 §5, retention: a closed plan's working copy is deleted after the municipality's
period, only once a verified archive copy exists; the deletion leaves a tombstone, the archive
copy and (for its own, longer period) the access log."""

from __future__ import annotations

import datetime
import uuid

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import SecurityEvent, User
from consent.models import AccessGrant, AccessLogEntry, Consent, PlanSectionUserObjectPermission
from consent.services import grants_decide, plan_consent_give
from coordination.models import Meeting, MessageThread, Minutes
from coordination.services.retention import retention_run
from coordination.tasks import delete_expired_working_copies
from ipplan.append_only import log_maintenance
from ipplan.files import private_storage
from plans.models import (
    ArchiveRecord,
    Goal,
    Participant,
    Plan,
    PlanChange,
    PlanDeletion,
    ProgressNote,
    SubPlan,
)
from plans.retention import archive_is_intact, working_copy_deletion_at
from plans.services.lifecycle import plan_close
from plans.services.participants import participant_add
from tests.factories import PlanFactory, staff
from tests.plans.conftest import build_objects

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _the_retention_role(database_owner):
    """The job runs as the table owner (its own alias in production, settings
    IPPLAN_RETENTION_DATABASE); in the tests that is the test database's owner. The last test
    shows what the application's role can and cannot do."""


@pytest.fixture
def closed_plan(team, coordinator, owner, settings, tmp_path):
    """Ingrid's plan with one of everything (grants, meetings, minutes, messages, a document),
    closed by Kari: the closing took its archive copy."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    plan = team["plan"]
    plan.what_matters = "Å bo hjemme"
    plan.save(update_fields=["what_matters"])
    plan.objects = build_objects(plan, coordinator, owner)
    plan.handovers.update(status="withdrawn")
    plan_close(
        plan=plan, reason=Plan.ClosingReason.NEED_ENDED, note="Flyttet", acting_user=coordinator
    )
    plan.refresh_from_db()
    return plan


def closed_months_ago(plan, months: int, days: int = 1) -> None:
    """Move the closing back in time (the archive copy stays newer than the closing)."""
    closed_at = timezone.now() - relativedelta(months=months) - datetime.timedelta(days=days)
    Plan.objects.filter(pk=plan.pk).update(closed_at=closed_at)
    ArchiveRecord.objects.filter(plan=plan).update(
        created_at=closed_at + datetime.timedelta(hours=1)
    )
    plan.refresh_from_db()


def working_copy_rows(plan) -> dict[str, int]:
    return {
        "goals": Goal.objects.filter(plan=plan).count(),
        "notes": ProgressNote.objects.filter(plan=plan).count(),
        "participants": Participant.objects.filter(plan=plan).count(),
        "documents": SubPlan.objects.filter(plan=plan).count(),
        "grants": AccessGrant.objects.filter(plan=plan).count(),
        "consents": Consent.objects.filter(plan=plan).count(),
        "meetings": Meeting.objects.filter(plan=plan).count(),
        "minutes": Minutes.objects.filter(meeting__plan=plan).count(),
        "threads": MessageThread.objects.filter(plan=plan).count(),
        "history": PlanChange.objects.filter(plan=plan).count(),
        "permissions": PlanSectionUserObjectPermission.objects.filter(
            content_object__plan=plan
        ).count(),
    }


def test_it_deletes_the_working_copy_after_the_period_and_keeps_the_archive(
    closed_plan, team, django_capture_on_commit_callbacks
):
    plan = closed_plan
    document = SubPlan.objects.get(plan=plan).storage_name
    assert private_storage().exists(document)
    assert all(working_copy_rows(plan).values())
    closed_months_ago(plan, 12)  # the default period is 12 months
    archive = ArchiveRecord.objects.get(plan=plan, reason=ArchiveRecord.Reason.CLOSING)

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run()

    assert run.deleted == [plan.pk] and run.held == []
    assert not any(working_copy_rows(plan).values())
    assert not private_storage().exists(document)
    plan.refresh_from_db()
    assert plan.working_copy_deleted_at is not None and plan.what_matters == ""
    assert plan.closing_note == ""
    # The archive copy stays, intact; the tombstone names it and its hash.
    assert archive_is_intact(archive)
    tombstone = PlanDeletion.objects.get(plan=plan)
    assert tombstone.kind == PlanDeletion.Kind.WORKING_COPY
    assert tombstone.archive_record == archive and tombstone.archive_sha256 == archive.sha256
    assert tombstone.owner == plan.owner and tombstone.municipality == plan.municipality
    assert tombstone.closed_at == plan.closed_at
    assert tombstone.counts["meetings"] == 1 and tombstone.counts["documents"] == 1
    # The access log is kept for its own, longer period.
    assert AccessLogEntry.objects.filter(plan=plan).exists()


def test_it_keeps_a_plan_closed_less_than_the_period(closed_plan, municipality):
    municipality.working_copy_retention_months = 24
    municipality.save()
    closed_months_ago(closed_plan, 23)
    assert retention_run().deleted == []
    assert all(working_copy_rows(closed_plan).values())


def test_it_archives_first_a_plan_without_an_archive_copy(closed_plan):
    ArchiveRecord.objects.filter(plan=closed_plan).update(
        created_at=closed_plan.closed_at - datetime.timedelta(days=400)
    )
    Plan.objects.filter(pk=closed_plan.pk).update(
        closed_at=timezone.now() - relativedelta(months=13)
    )
    closed_plan.refresh_from_db()
    ArchiveRecord.objects.filter(plan=closed_plan).update(
        created_at=closed_plan.closed_at - datetime.timedelta(days=1)
    )

    run = retention_run()

    assert run.deleted == [closed_plan.pk]
    taken = ArchiveRecord.objects.get(plan=closed_plan, reason=ArchiveRecord.Reason.RETENTION)
    assert archive_is_intact(taken)
    assert PlanDeletion.objects.get(plan=closed_plan).archive_record == taken


def test_it_never_deletes_a_plan_whose_archive_copy_fails_its_hash(closed_plan):
    closed_months_ago(closed_plan, 13)
    record = ArchiveRecord.objects.get(plan=closed_plan, reason=ArchiveRecord.Reason.CLOSING)
    with private_storage().open(record.storage_name, "ab") as file:
        file.write(b"tampered")

    run = retention_run()

    assert run.deleted == [] and run.held == [closed_plan.pk]
    assert all(working_copy_rows(closed_plan).values())
    closed_plan.refresh_from_db()
    assert closed_plan.working_copy_deleted_at is None
    assert closed_plan.retention_problem == Plan.RetentionProblem.HASH_MISMATCH
    assert not PlanDeletion.objects.exists()
    # A copy that does not match is not silently replaced: the next run leaves it to a person.
    assert retention_run().held == []
    assert not ArchiveRecord.objects.filter(reason=ArchiveRecord.Reason.RETENTION).exists()


def test_it_never_deletes_a_plan_when_the_archive_copy_cannot_be_made(closed_plan, settings):
    closed_months_ago(closed_plan, 13)
    ArchiveRecord.objects.filter(plan=closed_plan).update(
        created_at=closed_plan.closed_at - datetime.timedelta(days=1)
    )
    settings.PRIVATE_MEDIA_ROOT = "/proc/ipplan-nowhere"  # the storage refuses to write

    run = retention_run()

    assert run.held == [closed_plan.pk]
    closed_plan.refresh_from_db()
    assert closed_plan.retention_problem == Plan.RetentionProblem.ARCHIVE_FAILED
    assert all(working_copy_rows(closed_plan).values())


def test_the_task_is_idempotent(closed_plan, django_capture_on_commit_callbacks):
    closed_months_ago(closed_plan, 13)
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired_working_copies() == {
            "deleted": 1,
            "held": 0,
            "access_logs_deleted": 0,
        }
    again = delete_expired_working_copies()
    assert again == {"deleted": 0, "held": 0, "access_logs_deleted": 0}
    assert PlanDeletion.objects.filter(plan=closed_plan).count() == 1


def test_it_leaves_open_plans_alone(plan):
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.ACTIVE, activated_at=timezone.now() - relativedelta(years=5)
    )
    assert retention_run().deleted == []


def test_it_deletes_the_access_log_after_its_own_period_with_a_tombstone(closed_plan, municipality):
    municipality.access_log_retention_months = 24
    municipality.save()
    closed_months_ago(closed_plan, 13)
    retention_run()
    assert AccessLogEntry.objects.filter(plan=closed_plan).exists()
    closed_months_ago(closed_plan, 24)

    run = retention_run()

    assert run.access_logs_deleted == [closed_plan.pk]
    assert not AccessLogEntry.objects.filter(plan=closed_plan).exists()
    kinds = set(PlanDeletion.objects.filter(plan=closed_plan).values_list("kind", flat=True))
    assert kinds == {"working_copy", "access_log"}
    assert retention_run().access_logs_deleted == []


def test_the_deletion_date_follows_the_municipalitys_period(closed_plan, municipality):
    municipality.working_copy_retention_months = 6
    municipality.save()
    closed_plan.refresh_from_db()
    assert working_copy_deletion_at(closed_plan) == closed_plan.closed_at + relativedelta(months=6)


def rich_closed_plan(municipality, coordinator, extras: int):
    """A plan with consent, a participant with grants, one of everything, and `extras` more
    notes, meetings and message threads; closed 13 months ago."""
    plan = PlanFactory(municipality=municipality, coordinator=coordinator)
    plan_consent_give(plan=plan, acting_user=plan.owner)
    build_objects(plan, coordinator, plan.owner)
    helper = participant_add(
        plan=plan,
        user=staff("professional", municipality, username=f"helper-{plan.pk}"),
        name="Hanne Hjelper",
        role="service_provider",
        acting_user=coordinator,
    )
    grants_decide(
        plan=plan,
        participant=helper,
        ends_on=timezone.localdate() + datetime.timedelta(days=60),
        acting_user=plan.owner,
        levels={"goals": "read", "measures": "write"},
    )
    User.objects.filter(username="successor").update(
        username=f"successor-{plan.pk}", email=f"successor-{plan.pk}@example.org"
    )
    goal = Goal.objects.filter(plan=plan).first()
    for number in range(extras):
        ProgressNote.objects.create(
            plan=plan,
            goal=goal,
            text=f"Notat {number}",
            noted_on=timezone.localdate(),
            author=coordinator,
        )
        MessageThread.objects.create(plan=plan, subject=f"Tråd {number}", created_by=coordinator)
        Meeting.objects.create(
            plan=plan,
            title=f"Møte {number}",
            starts_at=timezone.now(),
            duration_minutes=60,
            created_by=coordinator,
        )
    plan.handovers.update(status="withdrawn")
    plan_close(plan=plan, reason="need_ended", note="", acting_user=coordinator)
    closed_months_ago(plan, 13)
    return plan


def test_deleting_costs_the_same_queries_however_much_the_plan_holds(
    municipality, coordinator, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    small = rich_closed_plan(municipality, coordinator, extras=0)
    with CaptureQueriesContext(connection) as few:
        assert retention_run().deleted == [small.pk]
    large = rich_closed_plan(municipality, coordinator, extras=6)
    with CaptureQueriesContext(connection) as many:
        assert retention_run().deleted == [large.pk]
    assert not Meeting.objects.filter(plan=large).exists()
    assert len(many) == len(few)


def test_the_app_role_cannot_delete_history_while_the_retention_role_can(closed_plan):
    """PostgreSQL with roles: as the application's role, neither a direct DELETE of the history
    nor the job gets through (the job rolls back and holds the plan, losing nothing); as the
    owner role (the retention alias), the same run deletes the working copy."""
    if connection.vendor != "postgresql":
        pytest.skip("database roles need PostgreSQL (set DATABASE_URL to one)")
    closed_months_ago(closed_plan, 13)
    role = f"ipplan_test_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    call_command("grant_app_role", role=role)
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
        try:
            with (
                pytest.raises(DatabaseError, match="permission denied"),
                log_maintenance(),
                connection.cursor() as inner,
            ):
                inner.execute("DELETE FROM plans_planchange")
            run = retention_run()
        finally:
            cursor.execute("RESET ROLE")
    assert run.deleted == [] and run.held == [closed_plan.pk]
    closed_plan.refresh_from_db()
    assert closed_plan.retention_problem == Plan.RetentionProblem.DELETE_FAILED
    assert all(working_copy_rows(closed_plan).values())
    assert not PlanDeletion.objects.exists()

    assert retention_run().deleted == [closed_plan.pk]
    assert not PlanChange.objects.filter(plan=closed_plan).exists()


# --- What the owner and the administrator see ------------------------------------------------


def test_the_owner_sees_when_the_working_copy_will_be_deleted(client, closed_plan, owner):
    client.force_login(owner)
    page = client.get(reverse("plans:detail", args=[closed_plan.pk])).content.decode()
    date = date_format(working_copy_deletion_at(closed_plan), "DATE_FORMAT")
    assert "Arbeidskopien av planen slettes " + date in page
    assert "blir i kommunens arkiv" in page


def test_the_open_plan_says_nothing_about_deletion(client, plan, owner):
    client.force_login(owner)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Arbeidskopien av planen slettes" not in page


def deleted(plan, django_capture_on_commit_callbacks):
    closed_months_ago(plan, 13)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_run().deleted == [plan.pk]


def test_after_deletion_the_owner_sees_the_tombstone_and_no_entry_is_logged(
    client, closed_plan, owner, django_capture_on_commit_callbacks
):
    deleted(closed_plan, django_capture_on_commit_callbacks)
    entries = AccessLogEntry.objects.filter(plan=closed_plan).count()
    client.force_login(owner)
    response = client.get(reverse("plans:detail", args=[closed_plan.pk]))
    page = response.content.decode()
    tombstone = PlanDeletion.objects.get(plan=closed_plan)
    assert response.status_code == 200
    assert f"Plan nr. {closed_plan.pk} er slettet" in page
    assert tombstone.archive_sha256 in page and "Å bo hjemme" not in page
    assert AccessLogEntry.objects.filter(plan=closed_plan).count() == entries


@pytest.mark.parametrize("persona", ["coordinator", "administrator", "stranger"])
def test_after_deletion_nobody_but_the_owner_side_sees_the_plan(
    client, request, persona, closed_plan, django_capture_on_commit_callbacks
):
    deleted(closed_plan, django_capture_on_commit_callbacks)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("plans:detail", args=[closed_plan.pk])).status_code == 404


def test_the_administrator_sees_the_setting_and_what_is_due(
    client, administrator, closed_plan, municipality
):
    closed_months_ago(closed_plan, 12, days=-10)  # due within the next 30 days
    client.force_login(administrator)
    index = client.get(reverse("administration:index")).content.decode()
    assert reverse("administration:retention") in index
    assert "1 avsluttet plan får arbeidskopien slettet de neste 30 dagene" in index
    response = client.get(reverse("administration:retention"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="12"' in page and 'value="60"' in page
    assert "Loven setter ingen fast frist for arbeidskopien" in page
    assert "Å bo hjemme" not in page and closed_plan.owner.last_name not in page


def test_the_administrator_changes_the_periods_and_it_is_logged(
    client, administrator, municipality
):
    client.force_login(administrator)
    url = reverse("administration:retention_update", args=[municipality.pk])
    prefix = f"m{municipality.pk}-"
    response = client.post(
        url, {prefix + "working_copy_months": "24", prefix + "access_log_months": "120"}
    )
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.working_copy_retention_months == 24
    assert municipality.access_log_retention_months == 120
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.RETENTION_CHANGED)
    assert event.actor == administrator and "12->24" in event.detail


@pytest.mark.parametrize(
    "data",
    [
        {"working_copy_months": "24", "access_log_months": "12"},  # log shorter than the copy
        {"working_copy_months": "0", "access_log_months": "12"},
        {"working_copy_months": "tolv", "access_log_months": "12"},
        {"working_copy_months": "9999", "access_log_months": "9999"},
    ],
)
def test_bad_periods_get_a_message_and_change_nothing(client, administrator, municipality, data):
    client.force_login(administrator)
    url = reverse("administration:retention_update", args=[municipality.pk])
    prefix = f"m{municipality.pk}-"
    response = client.post(url, {prefix + key: value for key, value in data.items()})
    assert response.status_code == 400
    assert "ds-error-summary" in response.content.decode()
    municipality.refresh_from_db()
    assert municipality.working_copy_retention_months == 12
    assert municipality.access_log_retention_months == 60


@pytest.mark.parametrize("persona", ["coordinator", "case_handler", "owner", "stranger"])
def test_only_administrators_reach_the_retention_pages(client, request, persona, municipality):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("administration:retention")).status_code == 404
    url = reverse("administration:retention_update", args=[municipality.pk])
    response = client.post(url, {f"m{municipality.pk}-working_copy_months": "1"})
    assert response.status_code == 404
    municipality.refresh_from_db()
    assert municipality.working_copy_retention_months == 12


def test_an_administrator_cannot_change_another_municipality(
    client, administrator, other_municipality
):
    client.force_login(administrator)
    url = reverse("administration:retention_update", args=[other_municipality.pk])
    prefix = f"m{other_municipality.pk}-"
    response = client.post(
        url, {prefix + "working_copy_months": "1", prefix + "access_log_months": "1"}
    )
    assert response.status_code == 404
    other_municipality.refresh_from_db()
    assert other_municipality.working_copy_retention_months == 12


def test_another_municipalitys_plans_are_not_counted_or_listed(
    client, administrator, other_municipality, coordinator, django_capture_on_commit_callbacks
):
    theirs = PlanFactory(municipality=other_municipality)
    ArchiveRecord.objects.create(
        plan=theirs, reason="closing", storage_name="archive/theirs.pdf", size=1, sha256="f" * 64
    )
    Plan.objects.filter(pk=theirs.pk).update(
        status=Plan.Status.CLOSED,
        closing_reason="need_ended",
        closed_at=timezone.now() - relativedelta(months=12) + datetime.timedelta(days=5),
        retention_problem=Plan.RetentionProblem.HASH_MISMATCH,
    )
    client.force_login(administrator)
    page = client.get(reverse("administration:retention")).content.decode()
    assert "<dd>0</dd>" in page and "<dd>1</dd>" not in page
    assert str(other_municipality.name) not in page
