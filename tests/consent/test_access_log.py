"""The owner's access log: every read and write is there, nobody can change it, and the owner
reads it quickly, filtered by person and period, however long it is."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consent.models import AccessGrant, AccessLogEntry
from consent.views.log import LOG_PAGE_SIZE
from ipplan.append_only import LOG_IS_APPEND_ONLY
from plans.services.goals import goal_create


def test_reads_and_writes_by_participants_are_logged_with_role_and_organisation(
    client, access_plan, municipality
):
    nurse = access_plan.people["nurse"]
    client.force_login(nurse)
    client.get(reverse("plans:detail", args=[access_plan.pk]))
    entry = AccessLogEntry.objects.filter(actor=nurse, action="read").get()
    grant = AccessGrant.objects.get(participant__user=nurse, status="active")
    assert (entry.actor_role, entry.organisation_name) == ("participant", "")
    assert (entry.section, entry.sections) == ("measures", ["overview", "measures"])
    assert entry.grant_ids == [grant.pk]


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


def test_the_log_page_needs_the_same_queries_with_100000_rows(client, access_plan, guardian):
    nurse, teacher = access_plan.people["nurse"], access_plan.people["teacher"]
    start = timezone.now() - datetime.timedelta(days=60)
    bulk_log(access_plan, [nurse, teacher], 100_000, start=start)
    client.force_login(guardian)
    url = reverse("consent:log", args=[access_plan.pk])
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    entries = page.context["entries"]
    # Today's entries (the fixture's writes) make the first page; the day the 100,000 rows
    # end on would be cut by the page's end, so it starts the next page whole.
    assert 0 < len(entries) <= LOG_PAGE_SIZE and page.context["has_more"]
    assert entries[0].at > entries[-1].at
    cursor = page.context["next_cursor"]
    with CaptureQueriesContext(connection) as deep:
        older = client.get(url, {"etter": cursor, "person": nurse.pk})
    assert len(deep.captured_queries) == len(first.captured_queries)
    assert older.context["entries"][0].at < entries[-1].at


def test_a_tampered_cursor_is_ignored(client, access_plan, guardian):
    client.force_login(guardian)
    url = reverse("consent:log", args=[access_plan.pk])
    for cursor in ("abc", "1_x", "999999999999999999999999_1", "-1_-1"):
        assert client.get(url, {"etter": cursor}).status_code == 200


def _log(plan, actor, at, action="read", sections=("overview", "goals"), **fields):
    return AccessLogEntry(
        plan=plan,
        actor=actor,
        actor_role=fields.pop("actor_role", "coordinator"),
        organisation_name=fields.pop("organisation_name", "Hjemmetjenesten"),
        action=action,
        section=sections[-1],
        sections=list(sections),
        at=at,
        **fields,
    )


def test_the_owner_filters_by_section_including_rows_from_before_sections(
    client, access_plan, guardian, coordinator
):
    now = timezone.now()
    old_row = AccessLogEntry(
        plan=access_plan,
        actor=coordinator,
        actor_role="coordinator",
        action="read",
        section="notes",
        at=now - datetime.timedelta(days=400),
    )
    AccessLogEntry.objects.bulk_create(
        [
            old_row,
            _log(
                access_plan,
                coordinator,
                now - datetime.timedelta(days=2),
                sections=["overview", "goals"],
            ),
            _log(
                access_plan,
                coordinator,
                now - datetime.timedelta(days=1),
                sections=["overview", "notes", "goals"],
            ),
        ]
    )
    client.force_login(guardian)
    url = reverse("consent:log", args=[access_plan.pk])
    notes = client.get(url, {"section": "notes"}).context["entries"]
    assert [e.section_values for e in notes] == [["overview", "notes", "goals"], ["notes"]]
    goals = client.get(url, {"section": "goals"}).context["entries"]
    assert len(goals) == 2 and all("goals" in e.section_values for e in goals)
    assert client.get(url, {"section": "bogus"}).status_code == 400
