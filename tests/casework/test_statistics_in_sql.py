"""The statistics are computed by the database (GROUP BY, no walk over every case in Python,
no subquery per coordinator), and give exactly the figures the old Python walk gave: the old
way is kept here as the reference and both run over a varied, seeded data set (month ends,
leap days, late, early and missing interim replies, undecided cases, other municipalities)."""

from __future__ import annotations

import datetime
import random
import statistics as pystatistics
from collections import Counter

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext

from casework import statistics
from casework.deadlines import InterimReplyDue, interim_reply_due
from casework.models import Case, CoordinatorProfile
from casework.selectors import coordinator_registry
from complaints import statistics as complaint_statistics
from complaints.models import Complaint
from plans.models import Plan
from tests.factories import PlanFactory, UserFactory, staff

pytestmark = pytest.mark.django_db
D = datetime.date


def old_monthly(*, municipality_ids, today, months=12):
    """casework.statistics.monthly as it was before it moved to SQL (commit 3d79dc2)."""
    first = today.replace(day=1)
    starts = [first - relativedelta(months=n) for n in range(months - 1, -1, -1)]
    rows = {start: {"received": 0, "decided": 0, "days": [], "late": 0} for start in starts}
    cases = Case.objects.filter(municipality_id__in=municipality_ids, received_on__gte=starts[0])
    for received_on in cases.values_list("received_on", flat=True):
        if received_on.replace(day=1) in rows:
            rows[received_on.replace(day=1)]["received"] += 1
    decided = Case.objects.filter(
        municipality_id__in=municipality_ids, decided_on__gte=starts[0]
    ).values_list("received_on", "decided_on")
    for received_on, decided_on in decided:
        month = rows.get(decided_on.replace(day=1))
        if month is not None:
            month["decided"] += 1
            month["days"].append((decided_on - received_on).days)
    for received_on, decided_on, interim_on in cases.values_list(
        "received_on", "decided_on", "interim_reply_sent_on"
    ):
        due = interim_reply_due(received_on)
        needed = (decided_on or today) > due
        if needed and (interim_on is None or interim_on > due) and due <= today:
            rows[received_on.replace(day=1)]["late"] += 1
    return [
        (
            start,
            rows[start]["received"],
            rows[start]["decided"],
            pystatistics.median(rows[start]["days"]) if rows[start]["days"] else None,
            statistics.percentile(rows[start]["days"], 90),
            rows[start]["late"],
        )
        for start in starts
    ]


def new_monthly(**kwargs):
    return [
        (m.start, m.received, m.decided, m.median_days, m.p90_days, m.interim_late)
        for m in statistics.monthly(**kwargs)
    ]


def _varied_cases(municipalities, person, today, n=600, seed=14):
    rng = random.Random(seed)
    month_ends = [D(2025, 12, 31), D(2026, 1, 31), D(2026, 3, 31), D(2026, 5, 31)]
    cases = []
    for i in range(n):
        if i % 10 == 0:
            received = rng.choice(month_ends)
        else:
            received = today - datetime.timedelta(days=rng.randint(0, 420))
        decided = None
        if rng.random() < 0.6:
            decided = min(today, received + datetime.timedelta(days=rng.randint(0, 90)))
        interim = None
        if rng.random() < 0.5:
            interim = received + datetime.timedelta(days=rng.randint(0, 45))
        cases.append(
            Case(
                municipality=rng.choice(municipalities),
                number=f"V/{i:06d}",
                person=person,
                kind="application",
                status="decided" if decided else "received",
                received_on=received,
                decided_on=decided,
                interim_reply_sent_on=interim,
                wants_plan=True,
                needs="x",
            )
        )
    # Exactly on the due date (a reply on the day is in time; a decision on the day needs none).
    cases.append(
        Case(
            municipality=municipalities[0],
            number="V/EDGE01",
            person=person,
            kind="application",
            received_on=D(2026, 1, 31),
            decided_on=D(2026, 2, 28),
            interim_reply_sent_on=D(2026, 2, 28),
            wants_plan=True,
            needs="x",
        )
    )
    Case.objects.bulk_create(cases)


@pytest.mark.parametrize(
    "today", [D(2026, 6, 15), D(2026, 3, 1), D(2026, 2, 28), D(2026, 1, 31), D(2026, 7, 1)]
)
def test_monthly_figures_are_those_of_the_python_walk(
    municipality, other_municipality, owner, today
):
    _varied_cases([municipality, other_municipality], owner, today)
    for ids in ([municipality.pk], [municipality.pk, other_municipality.pk]):
        old = old_monthly(municipality_ids=ids, today=today)
        assert new_monthly(municipality_ids=ids, today=today) == old
        assert sum(row[5] for row in old) > 0 and sum(row[2] for row in old) > 0


def test_interim_reply_due_in_sql_clamps_like_relativedelta(municipality, owner):
    days = [D(2024, 1, 31), D(2025, 1, 31), D(2026, 3, 31), D(2026, 8, 31), D(2026, 12, 15)]
    for i, day in enumerate(days):
        Case.objects.create(
            municipality=municipality,
            number=f"C/{i}",
            person=owner,
            kind="application",
            received_on=day,
            wants_plan=True,
            needs="x",
        )
    due = Case.objects.annotate(due=InterimReplyDue("received_on")).order_by("pk")
    assert [c.due for c in due] == [interim_reply_due(day) for day in days]
    assert [c.due for c in due][:2] == [D(2024, 2, 29), D(2025, 2, 28)]


def test_monthly_figures_take_a_fixed_number_of_queries(municipality, owner):
    _varied_cases([municipality], owner, D(2026, 6, 15), n=200)
    with CaptureQueriesContext(connection) as queries:
        statistics.monthly(municipality_ids=[municipality.pk], today=D(2026, 6, 15))
    assert len(queries.captured_queries) == 1
    # The query does not read the cases one by one: what was received is grouped, and the
    # decisions are counted by days per month and ranked by window sums, returning only the rows the
    # median and the 90th percentile need (at most three a month).
    (sql,) = (q["sql"] for q in queries.captured_queries)
    assert "GROUP BY" in sql
    assert "SUM(k) OVER (PARTITION BY month ORDER BY days) AS INTEGER" in sql
    rows = statistics._figure_rows([municipality.pk], D(2025, 7, 1), D(2026, 6, 15), False)
    decided = Counter(row[1] for row in rows if row[0] == "d")
    received = Case.objects.filter(received_on__gte=D(2025, 7, 1)).count()
    assert sum(row[2] for row in rows if row[0] == "r") == received > 100
    assert len(rows) < 200 and decided and max(decided.values()) <= 3


@pytest.mark.parametrize("per_month", [1, 2, 3, 4, 5, 9, 10, 11, 20])
def test_median_and_p90_match_the_python_walk_for_small_counts(municipality, owner, per_month):
    """Odd and even counts (the median of two middle values), and counts around ten (where
    the 90th percentile's rank steps), with tied days."""
    today = D(2026, 6, 15)
    Case.objects.bulk_create(
        Case(
            municipality=municipality,
            number=f"S/{m}/{i}",
            person=owner,
            kind="application",
            status="decided",
            received_on=D(2026, m, 10) - datetime.timedelta(days=(i * 7) % 13),
            decided_on=D(2026, m, 10),
            wants_plan=True,
            needs="x",
        )
        for m in range(1, 7)
        for i in range(per_month + m % 2)
    )
    old = old_monthly(municipality_ids=[municipality.pk], today=today)
    assert new_monthly(municipality_ids=[municipality.pk], today=today) == old
    assert [row[2] for row in old[-6:]] == [per_month + m % 2 for m in range(1, 7)]


def old_caseloads(municipality_ids):
    """The registry's caseloads as they were: a correlated subquery per coordinator."""
    open_plans = (
        Plan.objects.filter(
            coordinator=OuterRef("user_id"), municipality_id=OuterRef("municipality_id")
        )
        .exclude(status=Plan.Status.CLOSED)
        .order_by()
        .values("coordinator")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return [
        (p.pk, p.caseload)
        for p in CoordinatorProfile.objects.filter(municipality_id__in=municipality_ids)
        .annotate(caseload=Coalesce(Subquery(open_plans), Value(0), output_field=IntegerField()))
        .order_by("user__first_name", "user__last_name")
    ]


def test_caseloads_are_one_group_by_and_match_the_subquery(municipality, other_municipality):
    rng = random.Random(3)
    coordinators = [staff("coordinator", municipality) for _ in range(4)]
    both = coordinators[0]
    staff("coordinator", other_municipality)  # no profile: not in the registry
    for user in coordinators:
        CoordinatorProfile.objects.create(user=user, municipality=municipality)
    CoordinatorProfile.objects.create(user=both, municipality=other_municipality)
    for _ in range(30):
        plan = PlanFactory(
            municipality=rng.choice([municipality, other_municipality]),
            coordinator=rng.choice(coordinators),
            owner=UserFactory(),
        )
        if rng.random() < 0.3:
            Plan.objects.filter(pk=plan.pk).update(
                status=Plan.Status.CLOSED,
                closed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                closing_reason="other",
            )
    ids = [municipality.pk, other_municipality.pk]
    with CaptureQueriesContext(connection) as queries:
        new = [(p.pk, p.caseload) for p in coordinator_registry(municipality_ids=ids)]
    assert sorted(new) == sorted(old_caseloads(ids))
    assert sum(load for _, load in new) > 0
    assert not any(q["sql"].count("SELECT") > 1 for q in queries.captured_queries)


def test_the_statistics_caseloads_are_those_of_the_registry(municipality, other_municipality):
    """The page's hand-written caseloads query gives what coordinator_registry (the ORM query)
    gives: the same profiles in the same order, names, training dates and caseloads."""
    rng = random.Random(5)
    names = ["Åse", "Bjørn", "Anne", "Anne", ""]
    coordinators = []
    for i, first in enumerate(names):
        user = staff("coordinator", municipality)
        user.first_name, user.last_name = first, f"L{i % 2}" if first else ""
        user.save()
        coordinators.append(user)
    for i, user in enumerate(coordinators):
        CoordinatorProfile.objects.create(
            user=user, municipality=municipality, trained_on=D(2025, 1, i + 1) if i % 2 else None
        )
    CoordinatorProfile.objects.create(user=coordinators[1], municipality=other_municipality)
    for _ in range(40):
        plan = PlanFactory(
            municipality=rng.choice([municipality, other_municipality]),
            coordinator=rng.choice([*coordinators, None]),
            owner=UserFactory(),
        )
        status = rng.choice([Plan.Status.CLOSED, Plan.Status.ACTIVE, None])
        if status == Plan.Status.CLOSED:
            Plan.objects.filter(pk=plan.pk).update(
                status=status,
                closed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                closing_reason="other",
            )
        elif status:
            Plan.objects.filter(pk=plan.pk).update(status=status)

    def shown(profiles):
        return [(p.pk, p.user.display_name, p.trained_on, p.caseload) for p in profiles]

    for ids in ([municipality.pk], [municipality.pk, other_municipality.pk], []):
        old = shown(coordinator_registry(municipality_ids=ids))
        with CaptureQueriesContext(connection) as queries:
            new = shown(statistics.caseloads(municipality_ids=ids))
        # Coordinators with the same name may come in either order from the ORM.
        assert sorted(new) == sorted(old)
        assert [row[1] for row in new] == [row[1] for row in old]
        assert len(queries.captured_queries) == (1 if ids else 0)
        assert sum(row[3] for row in new) > 0 or not ids


def old_complaint_rows(municipality_ids):
    """complaints.statistics' rows as the ORM query gave them before it was written by hand."""
    return list(
        Complaint.objects.filter(case__municipality_id__in=municipality_ids).values_list(
            "ground",
            "status",
            "sf_outcome",
            "received_on",
            "review_started_at",
            "reviewed_at",
            "forwarded_at",
            "sf_decided_on",
        )
    )


def test_the_complaint_figures_read_the_rows_the_orm_query_read(
    municipality, other_municipality, owner
):
    """Varied complaints in two municipalities, with timestamps either side of midnight in
    Oslo (the days to review count from the local date): the same rows in the same order, so
    the same figures and the same order of grounds and outcomes on the page."""
    rng = random.Random(9)
    cases = [
        Case.objects.create(
            municipality=m,
            number=f"K/{i}",
            person=owner,
            kind="application",
            received_on=D(2026, 1, 1),
            wants_plan=True,
            needs="x",
        )
        for i, m in enumerate([municipality, municipality, other_municipality])
    ]
    late_evening = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)  # 2 March in Oslo
    for _ in range(40):
        received = D(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 60))
        started = rng.choice([None, late_evening, late_evening - datetime.timedelta(hours=2)])
        forwarded = rng.choice([None, late_evening + datetime.timedelta(days=3)])
        Complaint.objects.create(
            case=rng.choice(cases),
            text="x",
            channel="app",
            filed_by_name="X",
            ground=rng.choice(Complaint.Ground.values),
            status=rng.choice(Complaint.Status.values),
            sf_outcome=rng.choice(["", *Complaint.SfOutcome.values]),
            received_on=received,
            review_started_at=started,
            reviewed_at=started and started + datetime.timedelta(days=rng.randint(0, 20)),
            forwarded_at=forwarded,
            sf_decided_on=forwarded and D(2026, 4, rng.randint(1, 30)),
        )
    for ids in ([municipality.pk], [municipality.pk, other_municipality.pk], []):
        with CaptureQueriesContext(connection) as queries:
            figures = complaint_statistics.complaint_figures(municipality_ids=ids)
        assert complaint_statistics._complaint_rows(ids) == old_complaint_rows(ids)
        assert len(queries.captured_queries) == (1 if ids else 0)
        assert figures.total == len(old_complaint_rows(ids))
    assert figures.total == 0
    figures = complaint_statistics.complaint_figures(municipality_ids=[municipality.pk])
    assert figures.median_days_to_review is not None
    assert figures.median_days_at_county_governor is not None
