"""The owner's access log: every read and write is there, nobody can change it, and the owner
reads it quickly, filtered by person and period, however long it is."""

import datetime
import time

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consent.models import AccessLogEntry
from ipplan.append_only import LOG_IS_APPEND_ONLY
from plans.services.goals import goal_create


def test_reads_and_writes_by_participants_are_logged_with_role_and_organisation(
    client, access_plan, municipality
):
    nurse = access_plan.people["nurse"]
    client.force_login(nurse)
    client.get(reverse("plans:detail", args=[access_plan.pk]))
    entry = AccessLogEntry.objects.filter(actor=nurse, action="read", section="measures").get()
    assert entry.actor_role == "participant"
    rows = AccessLogEntry.objects.filter(actor=nurse, action="read")
    assert set(rows.values_list("section", flat=True)) == {"overview", "measures"}


def test_the_model_refuses_to_change_or_delete_log_rows(plan, coordinator):
    goal_create(plan=plan, title="Mål", acting_user=coordinator)
    entry = AccessLogEntry.objects.first()
    entry.action = "read"
    for attempt in (
        entry.save,
        entry.delete,
        lambda: AccessLogEntry.objects.update(action="x"),
        lambda: AccessLogEntry.objects.all().delete(),
    ):
        with pytest.raises(PermissionError, match=LOG_IS_APPEND_ONLY):
            attempt()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL")
def test_the_database_refuses_it_too(plan, coordinator, database_owner):
    goal_create(plan=plan, title="Mål", acting_user=coordinator)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE consent_accesslogentry SET action = 'read'")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM consent_accesslogentry")


def bulk_log(plan, actors, count, *, start):
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                plan=plan,
                actor=actors[i % len(actors)],
                actor_role="participant",
                action="read",
                section="measures",
                at=start + datetime.timedelta(seconds=i),
            )
            for i in range(count)
        ],
        batch_size=5000,
    )


def test_the_owner_filters_by_person_and_period(client, access_plan, guardian):
    nurse, teacher = access_plan.people["nurse"], access_plan.people["teacher"]
    start = timezone.now() - datetime.timedelta(days=10)
    bulk_log(access_plan, [nurse, teacher], 20, start=start)
    client.force_login(guardian)
    url = reverse("consent:log", args=[access_plan.pk])
    by_nurse = client.get(url, {"person": nurse.pk}).context["entries"]
    assert by_nurse and {e.actor_id for e in by_nurse} == {nurse.pk}
    day = timezone.localdate() - datetime.timedelta(days=10)
    in_period = client.get(url, {"date_from": day, "date_to": day}).context["entries"]
    assert all(timezone.localtime(e.at).date() == day for e in in_period) and in_period
    assert not client.get(url, {"date_from": "2001-01-01", "date_to": "2001-01-02"}).context[
        "entries"
    ]


def test_the_owner_does_not_see_their_own_reads_unless_asked(client, access_plan, guardian):
    client.force_login(guardian)
    url = reverse("consent:log", args=[access_plan.pk])
    client.get(reverse("plans:detail", args=[access_plan.pk]))
    assert all(e.actor_id != guardian.pk for e in client.get(url).context["entries"])
    mine = client.get(url, {"include_own": "on"}).context["entries"]
    assert any(e.actor_id == guardian.pk for e in mine)


def test_the_log_page_is_fast_and_constant_with_100000_rows(client, access_plan, guardian):
    nurse, teacher = access_plan.people["nurse"], access_plan.people["teacher"]
    start = timezone.now() - datetime.timedelta(days=60)
    bulk_log(access_plan, [nurse, teacher], 100_000, start=start)
    client.force_login(guardian)
    url = reverse("consent:log", args=[access_plan.pk])
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    entries = page.context["entries"]
    assert len(entries) == 50 and page.context["has_more"]
    assert entries[0].at > entries[-1].at
    cursor = page.context["next_cursor"]
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as deep:
        older = client.get(url, {"etter": cursor, "person": nurse.pk})
    elapsed = time.perf_counter() - began
    assert len(deep.captured_queries) == len(first.captured_queries)
    assert older.context["entries"][0].at < entries[-1].at
    assert elapsed < 1.0, f"{elapsed:.3f}s"


def test_a_tampered_cursor_is_ignored(client, access_plan, guardian):
    client.force_login(guardian)
    url = reverse("consent:log", args=[access_plan.pk])
    for cursor in ("abc", "1_x", "999999999999999999999999_1", "-1_-1"):
        assert client.get(url, {"etter": cursor}).status_code == 200
