"""The indexes behind the work queue and a plan's latest notes: with enough rows that the
planner has a choice, the real queries use them (EXPLAIN). On PostgreSQL (as in production
and CI); SQLite's planner is not what production runs, so there only the index's definition
is checked."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework import statistics
from casework.models import (
    APPOINTMENT_PENDING,
    OPEN_CASE_STATUSES,
    Case,
    ComplaintRule,
    Decision,
)
from casework.selectors import QueueFilter, case_queue_page
from plans.access import plan_access
from plans.models import ProgressNote
from plans.selectors import notes_for
from tests.factories import MunicipalityFactory, PlanFactory, UserFactory
from tests.plans.test_query_budget import fill

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN is checked on PostgreSQL"
)
START = datetime.date(2020, 1, 1)


def _analyze(*models):
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def test_the_queue_index_covers_exactly_the_queues_statuses():
    """The open statuses only: decided cases waiting for an appointment come through the
    decisions' own index, whose condition is the queue's own test."""
    index = next(i for i in Case._meta.indexes if i.name == "casework_case_open_queue")
    assert index.fields == ["municipality", "received_on", "id"]
    assert dict(index.condition.children) == {"status__in": list(OPEN_CASE_STATUSES)}
    pending = next(i for i in Decision._meta.indexes if i.name == "casework_decision_pending")
    assert pending.fields == ["case"] and pending.condition == APPOINTMENT_PENDING


@postgres_only
def test_the_work_queue_reads_the_oldest_open_cases_through_the_partial_index(case_handler):
    municipality = case_handler.memberships.get().municipality
    elsewhere = MunicipalityFactory()
    person = UserFactory()
    statuses = ["decided", "closed", "closed", "received", "assessing", "decided", "closed"]
    Case.objects.bulk_create(
        [
            Case(
                municipality=municipality if i % 4 else elsewhere,
                number=f"Q/{i:06d}",
                person=person,
                kind="application",
                status=statuses[i % len(statuses)],
                received_on=START + datetime.timedelta(days=i % 2000),
                wants_plan=True,
                needs="x",
            )
            for i in range(30_000)
        ],
        batch_size=5000,
    )
    _analyze(Case)
    plan = _explain_queue(case_handler)
    assert "casework_case_open_queue" in plan, plan
    # The page's rows: the oldest open cases read in order from the index, only as many as the
    # page needs (not all 6,400 open cases fetched and sorted).
    assert re.search(r"Limit .*\n\s*->  Index Scan using casework_case_open_queue", plan), plan
    # Every decided case gets its decision; one in a hundred still waits for an appointment.
    rule = ComplaintRule.objects.create(code="r", weeks=3, description="r")
    decided = Case.objects.filter(status="decided").order_by("pk")
    Decision.objects.bulk_create(
        [
            Decision(
                case=case,
                plan_outcome="granted" if i % 100 == 0 else "refused",
                coordinator_outcome="refused",
                complaint_rule=rule,
                decided_by=person,
                notified_on=START,
            )
            for i, case in enumerate(decided)
        ],
        batch_size=5000,
    )
    waiting = set(
        Decision.objects.filter(
            plan_outcome="granted", case__municipality=municipality
        ).values_list("case_id", flat=True)
    )
    _analyze(Decision)
    # The decided cases still waiting come from the decisions' partial index, not a walk over
    # every decided case; the open ones still through the queue's own.
    plan = _explain_queue(case_handler)
    assert "casework_decision_pending" in plan, plan
    assert "casework_case_open_queue" in plan, plan
    page = case_queue_page(user=case_handler, queue_filter=QueueFilter(), number=1)
    open_cases = Case.objects.filter(municipality=municipality, status__in=OPEN_CASE_STATUSES)
    assert page.paginator.count == len(waiting) + open_cases.count()


def _explain_queue(case_handler) -> str:
    """EXPLAIN of the queue's first page, as the page asks for it (casework.selectors)."""
    with CaptureQueriesContext(connection) as captured:
        case_queue_page(user=case_handler, queue_filter=QueueFilter(), number=1)
    (sql,) = [q["sql"] for q in captured.captured_queries if "casework_case" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
def test_the_statistics_read_a_year_of_cases_from_their_indexes(case_handler):
    municipality = case_handler.memberships.get().municipality
    person = UserFactory()
    Case.objects.bulk_create(
        [
            Case(
                municipality=municipality,
                number=f"S/{i:06d}",
                person=person,
                kind="application",
                status="decided",
                received_on=START + datetime.timedelta(days=i % 2000),
                decided_on=START + datetime.timedelta(days=i % 2000 + 30),
                wants_plan=True,
                needs="x",
            )
            for i in range(30_000)
        ],
        batch_size=5000,
    )
    _analyze(Case)
    with CaptureQueriesContext(connection) as captured:
        statistics.monthly(municipality_ids=[municipality.pk], today=datetime.date(2024, 6, 1))
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {query['sql']}")
        explained = "\n".join(row[0] for row in cursor.fetchall())
    # Each part reads its own index.
    assert "casework_case_received_stats" in explained, explained
    assert "casework_case_decided_stats" in explained, explained


@postgres_only
def test_a_plans_latest_notes_come_from_the_notes_index(plan, coordinator):
    for target in [plan, *(PlanFactory(owner=UserFactory()) for _ in range(9))]:
        fill(target, coordinator, goals=4, measures=10, notes=2000, participants=2)
    _analyze(ProgressNote)
    # The query of the plan page's latest notes, as its coordinator reads them.
    explained = notes_for(plan, plan_access(coordinator, plan))[:5].explain()
    assert "plans_note_latest" in explained, explained
    assert "Sort" not in explained.split("plans_note_latest")[0], explained


@postgres_only
def test_the_statistics_count_active_plans_from_their_index(case_handler):
    """Active plans and overdue evaluations: both counts need only the index's columns."""
    from accounts.models import User
    from plans.models import Plan

    municipality = case_handler.memberships.get().municipality
    owners = User.objects.bulk_create(
        [User(username=f"stat-owner-{i}", password="!") for i in range(6000)], batch_size=2000
    )
    Plan.objects.bulk_create(
        [
            Plan(
                municipality=municipality,
                owner=owner,
                status="active" if i % 3 else "draft",
                next_evaluation=START + datetime.timedelta(days=i % 900),
            )
            for i, owner in enumerate(owners)
        ],
        batch_size=2000,
    )
    _analyze(Plan)
    with CaptureQueriesContext(connection) as captured:
        _months, figures = statistics.figures(municipality_ids=[municipality.pk], today=START)
    assert figures.active == 4000 and figures.evaluation_overdue == 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {captured.captured_queries[-1]['sql']}")
        explained = "\n".join(row[0] for row in cursor.fetchall())
    assert "plans_plan_statistics" in explained, explained


@postgres_only
def test_the_owners_log_reads_the_others_entries_from_their_own_index(plan, owner, coordinator):
    """An owner who reads their plan often has thousands of entries of their own, which their
    log leaves out by default: the page reads the others' entries without passing them."""
    from consent.models import AccessLogEntry
    from consent.selectors import LogFilter, access_log_page

    now = timezone.now()
    others = [PlanFactory(owner=UserFactory()) for _ in range(3)]
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                plan=plan if i % 4 else others[i % 3],
                actor=owner if i % 50 else coordinator,
                actor_role="owner" if i % 50 else "coordinator",
                action="read",
                section="overview",
                sections=["overview"],
                at=now - datetime.timedelta(minutes=i),
            )
            for i in range(40_000)
        ],
        batch_size=5000,
    )
    _analyze(AccessLogEntry)
    with CaptureQueriesContext(connection) as captured:
        rows, more = access_log_page(plan, owner, LogFilter(), None, 50)
    assert len(rows) == 50 and more and {row.actor_id for row in rows} == {coordinator.pk}
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {captured.captured_queries[0]['sql']}")
        explained = "\n".join(row[0] for row in cursor.fetchall())
    assert "consent_log_plan_others_at" in explained, explained
    assert "Rows Removed by Filter" not in explained, explained
