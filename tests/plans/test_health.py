"""Plan health: nine checks, one per item of the IP regulation (legal reference "ip_content"),
with their texts (plural ones too) in the reader's language."""

from __future__ import annotations

from django.utils import translation

from plans.health import HealthFacts, missing_count, plan_health

COMPLETE = HealthFacts(
    has_coordinator=True,
    has_period=True,
    has_evaluation_date=True,
    evaluation_overdue=False,
    has_about_me=True,
    goal_count=1,
    participant_count=2,
    participants_without_contribution=0,
    measure_count=3,
    open_measures_missing_responsible=0,
    open_measures_missing_deadline=0,
    open_measures_missing_how=0,
    overdue_measures=0,
    cooperation_count=1,
    consent_recorded=True,
)


def with_gaps(**changes) -> HealthFacts:
    return HealthFacts(**{**COMPLETE.__dict__, **changes})


def test_a_complete_plan_has_nine_items_in_place():
    items = plan_health(COMPLETE)
    assert [i.key for i in items] == list("abcdefghi")
    assert missing_count(items) == 0


def test_each_gap_shows_under_its_item():
    items = plan_health(with_gaps(goal_count=0, consent_recorded=False, has_coordinator=False))
    assert {i.key for i in items if not i.ok} == {"a", "c", "h"}


def test_plural_warnings_are_translated_for_english_readers():
    facts = with_gaps(
        participants_without_contribution=1,
        open_measures_missing_responsible=2,
        open_measures_missing_deadline=1,
        open_measures_missing_how=3,
    )
    with translation.override("en"):
        problems = [p for item in plan_health(facts) for p in item.problems]
    assert problems == [
        "1 participant has no description of their contribution.",
        "2 measures have no one responsible.",
        "1 measure has no deadline.",
        "3 measures have no description of how they are carried out.",
    ]
    with translation.override("nb"):
        problems = [p for item in plan_health(facts) for p in item.problems]
    assert problems[0] == "1 deltaker mangler beskrivelse av bidraget sitt."
