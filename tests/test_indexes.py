"""The indexes behind the work queue and a plan's latest notes: with enough rows that the
planner has a choice, the real queries use them (EXPLAIN). On PostgreSQL (as in production
and CI); SQLite's planner is not what production runs, so there only the index's definition
is checked."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from casework.models import OPEN_CASE_STATUSES, Case
from casework.selectors import QueueFilter, case_queue
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
    """The open statuses, and decided cases (one stays queued until its coordinator is
    appointed)."""
    index = next(i for i in Case._meta.indexes if i.name == "casework_case_open_queue")
    assert index.fields == ["municipality", "received_on", "id"]
    expected = [*OPEN_CASE_STATUSES, Case.Status.DECIDED]
    assert dict(index.condition.children) == {"status__in": expected}


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
    queue = case_queue(user=case_handler, queue_filter=QueueFilter())
    plan = queue[:25].explain()
    assert "casework_case_open_queue" in plan, plan
    assert "Sort" not in plan.split("casework_case_open_queue")[0], plan


@postgres_only
def test_a_plans_latest_notes_come_from_the_notes_index(plan, coordinator):
    for target in [plan, *(PlanFactory(owner=UserFactory()) for _ in range(9))]:
        fill(target, coordinator, goals=4, measures=10, notes=2000, participants=2)
    _analyze(ProgressNote)
    # The query of the plan page's latest notes, as its coordinator reads them.
    explained = notes_for(plan, plan_access(coordinator, plan))[:5].explain()
    assert "plans_note_latest" in explained, explained
    assert "Sort" not in explained.split("plans_note_latest")[0], explained
