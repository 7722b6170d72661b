"""The coordinator's list counts plan health in its page query (one subquery per table, as JSON
objects). It must say what the plan page's count says for the coordinator, who reads every
section, and what plan_health makes of it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from consent.access import PlanAccess
from plans.health import missing_count, plan_health
from plans.sections import Section
from plans.selectors import (
    coordinator_list_page,
    health_facts_from_annotations,
    health_facts_from_database,
    plans_coordinated_by,
    with_plan_health,
)
from tests.factories import PlanFactory
from tests.plans.test_health_from_database import TODAY, _fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_plans(coordinator, municipality):
    plans = []
    for seed in range(8):
        plan = PlanFactory(
            municipality=municipality,
            coordinator=coordinator,
            next_evaluation=TODAY if seed % 2 else None,
            what_matters="Viktig" if seed % 4 else "",
        )
        _fill(plan, coordinator, seed)
        plans.append(plan)
    return plans


def test_the_list_counts_what_the_plan_page_counts(coordinator, varied_plans):
    today = timezone.localdate()
    listed = with_plan_health(plans_coordinated_by(user=coordinator))
    assert len(listed) == len(varied_plans)
    for plan in listed:
        access = PlanAccess(
            plan=plan, role="coordinator", user=coordinator, read=frozenset(Section.values)
        )
        from_list = health_facts_from_annotations(plan, today)
        assert from_list == health_facts_from_database(plan, access, today), plan.pk


def test_the_rows_say_how_many_items_are_missing(coordinator, varied_plans):
    today = timezone.localdate()
    page, rows = coordinator_list_page(user=coordinator, include_closed=False, number=1)
    assert len(rows) == len(varied_plans) == page.paginator.count
    for row in rows:
        facts = health_facts_from_annotations(row.plan, today)
        assert row.missing == missing_count(plan_health(facts))
        assert row.overdue_measures == facts.overdue_measures
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
    assert "Side 1 av 2" in client.get("/planer/?page=x").content.decode()


def test_a_list_of_one_page_shows_every_plan_without_page_links(client, coordinator, municipality):
    for _ in range(25):
        PlanFactory(municipality=municipality, coordinator=coordinator)
    client.force_login(coordinator)
    listing = client.get("/planer/").content.decode()
    assert listing.count("<tr>") - 1 == 25
    assert "Side 1 av" not in listing
