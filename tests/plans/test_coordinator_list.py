"""The coordinator's list is one hand-written query (plans.selectors.coordinator_list_page): the
page's plans under the policy's visibility rule, how many there are, and their plan health. It
must list the plans the policy's filter lets the coordinator open that they coordinate, and say
for each what the plan page's count says for the coordinator, who reads every section (withheld
items included), and what plan_health makes of it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from consent.access import PlanAccess
from consent.models import AccessGrant
from consent.services import grants_decide, plan_consent_give, plan_consent_mark_withdrawn
from plans.access import plans_visible_filter
from plans.health import missing_count, plan_health
from plans.models import Measure, Participant, Plan
from plans.sections import Section
from plans.selectors import (
    coordinator_list_page,
    health_facts_from_database,
    plans_coordinated_by,
    plans_coordinated_first,
)
from tests.factories import PlanFactory
from tests.plans.test_health_from_database import TODAY, _fill

pytestmark = pytest.mark.django_db

IN_A_MONTH = timezone.localdate() + datetime.timedelta(days=30)


def _grant(plan, user, *, ends_in: datetime.timedelta | None = None) -> None:
    """A grant on the goals to `user` as a participant; ended `ends_in` ago when given."""
    participant = Participant.objects.create(
        plan=plan, user=user, name=user.username, role="service_provider"
    )
    grants_decide(
        plan=plan,
        participant=participant,
        levels={"goals": "read"},
        ends_on=IN_A_MONTH,
        acting_user=plan.owner,
    )
    if ends_in is not None:
        now = timezone.now()
        AccessGrant.objects.filter(participant=participant).update(
            starts_at=now - datetime.timedelta(days=30), ends_at=now - ends_in
        )


@pytest.fixture
def varied_plans(coordinator, other_coordinator, municipality, other_municipality):
    """Eight plans of every kind and status Kari coordinates, filled with goals, measures and
    participants (some withheld from the parents, some inactive), with and without a consent
    in force; then plans she must not see listed: Jon's, and those she holds in Bakkeby, where
    she is no coordinator, without a grant or with one that has expired. One she holds there
    with a grant in force is listed."""
    plans = []
    kinds = [Plan.Kind.INDIVIDUAL_PLAN, Plan.Kind.RELAY_LOG, Plan.Kind.COORDINATION]
    for seed in range(8):
        plan = PlanFactory(
            municipality=municipality,
            coordinator=coordinator,
            kind=kinds[seed % 3],
            status=Plan.Status.DRAFT if seed % 4 == 1 else Plan.Status.ACTIVE,
            next_evaluation=TODAY if seed % 2 else None,
            what_matters="Viktig" if seed % 4 else "",
        )
        _fill(plan, coordinator, seed)
        if seed % 3:
            plan_consent_give(plan=plan, acting_user=plan.owner)
        if seed % 3 == 2:
            plan_consent_mark_withdrawn(plan=plan, acting_user=plan.owner)
        plans.append(plan)
    # Due today is not overdue yet; due yesterday is (the list counts against today's date).
    today, goal = timezone.localdate(), plans[3].goals.first()
    for days in (0, 1):
        Measure.objects.create(
            plan=plans[3],
            goal=goal,
            title=f"Frist for {days} dager siden",
            deadline=today - datetime.timedelta(days=days),
            how="Slik",
            created_by=coordinator,
        )
    closed = PlanFactory(municipality=municipality, coordinator=coordinator)
    _fill(closed, coordinator, 5)
    Plan.objects.filter(pk=closed.pk).update(
        status=Plan.Status.CLOSED, closed_at=timezone.now(), closing_reason="need_ended"
    )
    PlanFactory(municipality=other_municipality, coordinator=other_coordinator)
    PlanFactory(municipality=other_municipality, coordinator=coordinator)
    _grant(
        PlanFactory(municipality=other_municipality, coordinator=coordinator),
        coordinator,
        ends_in=datetime.timedelta(seconds=1),
    )
    granted = PlanFactory(municipality=other_municipality, coordinator=coordinator)
    _fill(granted, coordinator, 3)
    _grant(granted, coordinator)
    return [*plans, granted], closed


def _the_policys(coordinator, include_closed: bool) -> set[int]:
    plans = Plan.objects.filter(plans_visible_filter(coordinator), coordinator=coordinator)
    if not include_closed:
        plans = plans.exclude(status=Plan.Status.CLOSED)
    return set(plans.values_list("pk", flat=True))


@pytest.mark.parametrize("include_closed", [False, True])
def test_the_list_counts_what_the_plan_page_counts(coordinator, varied_plans, include_closed):
    listed_plans, closed = varied_plans
    today = timezone.localdate()
    page, rows = coordinator_list_page(user=coordinator, include_closed=include_closed, number=1)
    listed = {row.plan.pk for row in rows}
    assert listed == _the_policys(coordinator, include_closed)
    assert listed == {p.pk for p in listed_plans} | ({closed.pk} if include_closed else set())
    assert page.paginator.count == len(rows)
    for row in rows:
        plan = Plan.objects.get(pk=row.plan.pk)
        access = PlanAccess(
            plan=plan, role="coordinator", user=coordinator, read=frozenset(Section.values)
        )
        expected = health_facts_from_database(plan, access, today)
        assert row.facts == expected, plan.pk
        assert row.plan.owner.display_name == plan.owner.display_name
        assert (row.plan.kind, row.plan.status) == (plan.kind, plan.status)
    # What the fixture meant to vary does vary.
    assert {r.facts.consent_recorded for r in rows} == {True, False}
    assert {r.missing is None for r in rows} == {True, False}
    assert len({r.facts.overdue_measures for r in rows}) > 1


def test_the_list_is_in_the_order_of_the_home_page(coordinator, varied_plans):
    _page, rows = coordinator_list_page(user=coordinator, include_closed=False, number=1)
    assert [r.plan.pk for r in rows] == [p.pk for p in plans_coordinated_by(user=coordinator)]


def test_the_rows_say_how_many_items_are_missing(coordinator, varied_plans):
    page, rows = coordinator_list_page(user=coordinator, include_closed=False, number=1)
    assert len(rows) == len(varied_plans[0]) == page.paginator.count
    for row in rows:
        if row.plan.kind_info.is_individual_plan:
            assert row.missing == missing_count(plan_health(row.facts))
        else:
            assert row.missing is None and row.health == []
        assert row.url == f"/planer/{row.plan.pk}/"


def test_an_empty_list_has_no_rows(coordinator):
    page, rows = coordinator_list_page(user=coordinator, include_closed=False, number=1)
    assert rows == [] and page.paginator.count == 0


def test_the_second_page_holds_the_rest_in_the_same_order(client, coordinator, municipality):
    for _ in range(30):
        PlanFactory(municipality=municipality, coordinator=coordinator)
    client.force_login(coordinator)
    names = [p.owner.display_name for p in plans_coordinated_by(user=coordinator)]
    first = client.get("/planer/").content.decode()
    second = client.get("/planer/?page=2").content.decode()
    assert "Side 1 av 2" in first and "Side 2 av 2" in second
    assert all(name in second for name in names[25:])
    assert not any(f">{name}</a>" in second for name in names[:25])
    assert first.count("<tr>") - 1 == 25  # the header row and 25 plans
    assert "Side 2 av 2" in client.get("/planer/?page=99").content.decode()
    assert "Side 2 av 2" in client.get("/planer/?page=0").content.decode()
    assert "Side 2 av 2" in client.get("/planer/?page=-3").content.decode()
    assert "Side 1 av 2" in client.get("/planer/?page=x").content.decode()
    # A number whose OFFSET would overflow PostgreSQL's bigint is past the end like any other.
    huge = "9" * 30
    assert "Side 2 av 2" in client.get(f"/planer/?page={huge}").content.decode()
    assert "Side 2 av 2" in client.get(f"/planer/?page=-{huge}").content.decode()


def test_a_list_of_one_page_shows_every_plan_without_page_links(client, coordinator, municipality):
    for _ in range(25):
        PlanFactory(municipality=municipality, coordinator=coordinator)
    client.force_login(coordinator)
    listing = client.get("/planer/").content.decode()
    assert listing.count("<tr>") - 1 == 25
    assert "Side 1 av" not in listing


@pytest.mark.parametrize("limit", [3, 10])
def test_the_home_page_shows_the_first_of_the_plans_the_list_shows(
    coordinator, varied_plans, limit
):
    """plans_coordinated_first (the home page's one query) against plans_coordinated_by (the
    ORM's, under plans_visible_filter): the same plans in the same order, and their number."""
    shown, count = plans_coordinated_first(user=coordinator, limit=limit)
    expected = list(plans_coordinated_by(user=coordinator))
    assert [p.pk for p in shown] == [p.pk for p in expected[:limit]]
    assert count == len(expected) == len(varied_plans[0])
    for plan, orm in zip(shown, expected[:limit], strict=True):
        assert (plan.kind, plan.status, plan.next_evaluation) == (
            orm.kind,
            orm.status,
            orm.next_evaluation,
        )
        assert plan.owner.display_name == orm.owner.display_name
