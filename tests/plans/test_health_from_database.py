"""Plan health on the plan page is counted by the database (plans.selectors.
health_facts_from_database), so that a page whose goals and participants come from the
fragment cache loads none of them. It must say what counting the loaded items said before:
the reference below is that counting, kept here as the test's oracle, run over varied plans
and readers."""

from __future__ import annotations

import datetime
import itertools

import pytest

from consent.access import PlanAccess
from plans.health import HealthFacts, evaluation_is_overdue
from plans.models import CooperationNeed, Goal, Measure, Participant
from plans.sections import Section
from plans.selectors import health_facts_from_database, plan_overview
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def facts_counted_from_loaded(overview, consent_recorded: bool) -> HealthFacts:
    """How the plan page counted plan health before, from the goals, measures and
    participants it had loaded."""
    plan = overview.plan
    measures = overview.measures
    open_measures = [m for m in measures if m.is_open]
    service_measures = [m for m in open_measures if not m.is_own_contribution]
    responsible_ids = {m.responsible_id for m in measures if m.responsible_id}
    participants = overview.participants or []
    return HealthFacts(
        has_coordinator=plan.coordinator_id is not None,
        has_period=bool(plan.period_start and plan.period_end),
        has_evaluation_date=plan.next_evaluation is not None,
        evaluation_overdue=evaluation_is_overdue(plan.next_evaluation, TODAY),
        has_about_me=bool(plan.what_matters or plan.resources or plan.needs),
        goal_count=sum(1 for _ in overview._all_goals()),
        participant_count=len(participants),
        participants_without_contribution=sum(
            1 for p in participants if not p.contribution and p.pk not in responsible_ids
        ),
        measure_count=len(measures),
        open_measures_missing_responsible=sum(1 for m in service_measures if not m.responsible_id),
        open_measures_missing_deadline=sum(1 for m in service_measures if not m.deadline),
        open_measures_missing_how=sum(1 for m in open_measures if not m.how),
        overdue_measures=sum(1 for m in open_measures if m.deadline and m.deadline < TODAY),
        cooperation_count=len(overview.cooperation or []),
        consent_recorded=consent_recorded,
    )


def _fill(plan, author, seed: int) -> None:
    """Goals, sub-goals, measures of every status with and without what health asks for,
    participants with and without a contribution (some responsible for a measure, some no
    longer active), cooperation needs, and items withheld from the parents."""
    people = [
        Participant.objects.create(
            plan=plan,
            name=f"P{i}",
            role="service_provider",
            contribution="Bidrag" if (i + seed) % 3 == 0 else "",
            is_active=(i + seed) % 5 != 4,
        )
        for i in range(seed % 6)
    ]
    goals = []
    for i in range(seed % 4):
        goal = Goal.objects.create(
            plan=plan,
            title=f"M{i}",
            position=i,
            created_by=author,
            withheld_from_parents=(i + seed) % 4 == 3,
        )
        goals.append(goal)
        if (i + seed) % 2:
            goals.append(
                Goal.objects.create(
                    plan=plan, parent=goal, title=f"D{i}", position=1, created_by=author
                )
            )
    statuses = itertools.cycle([s for s, _ in Measure.Status.choices])
    for i in range(len(goals) * (1 + seed % 3)):
        Measure.objects.create(
            plan=plan,
            goal=goals[i % len(goals)],
            title=f"T{i}",
            status=next(statuses),
            responsible=people[i % len(people)] if people and (i + seed) % 3 else None,
            deadline=TODAY + datetime.timedelta(days=(i % 5) * 10 - 20) if i % 4 else None,
            how="Slik" if (i + seed) % 2 else "",
            is_own_contribution=(i + seed) % 7 == 0,
            withheld_from_parents=(i + seed) % 6 == 5,
            created_by=author,
        )
    for i in range(seed % 3):
        CooperationNeed.objects.create(plan=plan, with_whom=f"S{i}", description="x")


ALL = frozenset(Section.values)
READERS = {
    "every section": {"read": ALL},
    "every section, withheld hidden": {"read": ALL, "hides_withheld": True},
    "goals only": {"read": frozenset({Section.GOALS})},
    "measures without goals": {"read": frozenset({Section.MEASURES})},
    "goals and measures, withheld hidden": {
        "read": frozenset({Section.GOALS, Section.MEASURES}),
        "hides_withheld": True,
    },
    "participants only": {"read": frozenset({Section.PARTICIPANTS})},
    "nothing": {"read": frozenset()},
}


@pytest.mark.parametrize("seed", range(8))
def test_the_database_counts_what_the_loaded_items_counted(seed, coordinator, municipality):
    plan = PlanFactory(
        municipality=municipality,
        coordinator=coordinator if seed % 3 else None,
        next_evaluation=TODAY - datetime.timedelta(days=1) if seed % 2 else None,
        what_matters="Viktig" if seed % 4 else "",
    )
    _fill(plan, coordinator, seed)
    for name, reader in READERS.items():
        access = PlanAccess(plan=plan, role="coordinator", user=coordinator, **reader)
        overview = plan_overview(plan, access)
        expected = facts_counted_from_loaded(overview, consent_recorded=False)
        assert health_facts_from_database(plan, access, TODAY) == expected, (seed, name)


def test_the_large_plans_health_is_one_query(coordinator, municipality, django_assert_num_queries):
    plan = PlanFactory(municipality=municipality, coordinator=coordinator)
    _fill(plan, coordinator, 11)
    access = PlanAccess(plan=plan, role="coordinator", user=coordinator, read=ALL)
    with django_assert_num_queries(1):
        health_facts_from_database(plan, access, TODAY)
