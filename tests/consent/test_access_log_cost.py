"""What the owner's log page and the access-log write cost (issue 14): a fixed number of
queries, each actor read once, the filter form rendered once per language, people and values,
and a page view's entry written as one statement."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join

from consent.log_story import PersonDay, Reader
from consent.models import AccessLogEntry
from consent.policy import plan_access
from consent.selectors import LogRow
from consent.services.access_log import PlanRead, access_log_entries

pytestmark = pytest.mark.django_db

FIELD_TEMPLATE = "forms/field.html"  # what rendering the filter form goes through


def log_url(plan) -> str:
    return reverse("consent:log", args=[plan.pk])


def add_entries(plan, actors, count: int) -> None:
    start = timezone.now() - datetime.timedelta(days=3)
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                plan=plan,
                actor=actors[i % len(actors)],
                actor_role="coordinator",
                organisation_name="Hjemmetjenesten",
                action="read",
                section="goals",
                sections=["overview", "goals"],
                at=start + datetime.timedelta(minutes=i),
            )
            for i in range(count)
        ]
    )


def test_the_owners_log_page_takes_six_queries(
    client, plan, owner, coordinator, django_assert_num_queries
):
    """Session, user, the user's roles (the MFA check), plan, the people in the filter, and one
    page of entries with their actors: none per entry, per person or per day."""
    add_entries(plan, [coordinator], 300)
    client.force_login(owner)
    client.get(log_url(plan))
    with django_assert_num_queries(6):
        assert client.get(log_url(plan)).status_code == 200


def test_each_actor_is_read_once_and_shared_by_their_entries(client, plan, owner, coordinator):
    add_entries(plan, [coordinator], 30)
    client.force_login(owner)
    entries = client.get(log_url(plan)).context["entries"]
    assert len(entries) == 30 and all(isinstance(e, LogRow) for e in entries)
    assert len({id(e.actor) for e in entries}) == 1
    assert entries[0].actor == coordinator
    assert entries[0].actor.display_name == coordinator.display_name


def test_the_filter_form_is_rendered_once_for_the_same_people_and_values(
    client, access_plan, guardian
):
    nurse = access_plan.people["nurse"]
    client.force_login(guardian)
    client.get(log_url(access_plan))
    again = client.get(log_url(access_plan))
    assert FIELD_TEMPLATE not in [t.name for t in again.templates]
    assert f'<option value="{nurse.pk}">{nurse.display_name}</option>' in again.content.decode()
    # Other values asked for are a form of their own, rendered once too.
    chosen = client.get(log_url(access_plan), {"person": nurse.pk})
    assert f'<option value="{nurse.pk}" selected>' in chosen.content.decode()
    # A person's new name is new people: the form is rendered again.
    nurse.first_name = "Nina-Renate"
    nurse.save(update_fields=["first_name"])
    renamed = client.get(log_url(access_plan))
    assert FIELD_TEMPLATE in [t.name for t in renamed.templates]
    assert nurse.display_name in renamed.content.decode()


def test_a_form_with_errors_is_always_rendered_with_them(client, access_plan, guardian):
    client.force_login(guardian)
    for _ in range(2):
        page = client.get(log_url(access_plan), {"date_from": "31.02.2026"})
        assert page.status_code == 400
        assert FIELD_TEMPLATE in [t.name for t in page.templates]
        assert 'id="id_date_from_error"' in page.content.decode()


def test_the_steps_are_the_markup_the_template_made(coordinator):
    now = timezone.now()
    rows = [
        LogRow(pk, now - datetime.timedelta(minutes=pk), coordinator, "coordinator", "", *what)
        for pk, what in [
            (1, ("read", "goals", ["overview", "goals"])),
            (2, ("export", "goals", ["overview", "goals", "measures"])),
        ]
    ]
    line = PersonDay(entries=rows, reader=Reader(user_id=0, is_owner=True))
    old = format_html_join(
        "",
        '<li><time class="log-when" datetime="{}">{}</time> {}</li>',
        ((step.iso, step.clock, step.text) for step in line.steps),
    )
    assert line.steps_html == old
    assert "lastet ned målene og tiltakene dine som PDF" in line.steps_html


@pytest.mark.django_db(transaction=True)
def test_a_page_views_entry_is_one_insert_and_no_transaction_around_it(plan, coordinator):
    """bulk_create wrapped the one row in BEGIN ... COMMIT: three statements for one."""
    read = PlanRead(access=plan_access(coordinator, plan))
    read.add(["overview", "goals"], AccessLogEntry.Action.READ, None)
    assert connection.get_autocommit()
    with CaptureQueriesContext(connection) as queries:
        [entry] = access_log_entries(reads=[read], actor=coordinator)
    assert [q["sql"].split()[:2] for q in queries.captured_queries] == [["INSERT", "INTO"]]
    assert entry.pk and AccessLogEntry.objects.get(pk=entry.pk).sections == ["overview", "goals"]


def test_the_plan_and_the_entries_are_read_by_hand_written_queries(
    client, plan, owner, coordinator
):
    """Building the ORM's plan and entries queries cost more CPU than running them (issue 14):
    both are hand-written (plan_with_people, access_log_page), held to the ORM by their tests."""
    add_entries(plan, [coordinator], 30)
    client.force_login(owner)
    client.get(log_url(plan))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(log_url(plan)).status_code == 200
    sql = [" ".join(q["sql"].split()) for q in queries.captured_queries]
    assert sum("FROM plans_plan p JOIN accounts_user o" in s for s in sql) == 1
    assert sum("FROM consent_accesslogentry e LEFT JOIN" in s for s in sql) == 1
    assert not any('FROM "plans_plan"' in s or 'FROM "consent_accesslogentry"' in s for s in sql)
