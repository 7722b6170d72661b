"""The plan's lifecycle: one open plan per person, legal transitions, closed plans read-only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from consent.services import plan_consent_give
from plans.models import Goal, Plan, PlanChange
from plans.services.common import PLAN_IS_CLOSED, PlanClosedError
from plans.services.goals import goal_create
from plans.services.lifecycle import (
    ACTIVATION_NEEDS_CONSENT,
    ALREADY_HAS_OPEN_PLAN,
    about_me_update,
    plan_activate,
    plan_close,
    plan_create,
)
from plans.services.measures import measure_create
from tests.factories import PlanFactory


def test_the_database_refuses_a_second_open_plan_for_one_person(plan, municipality):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(owner=plan.owner, municipality=municipality, status=Plan.Status.DRAFT)


def test_a_closed_plan_does_not_block_a_new_one(plan, municipality, coordinator):
    plan_close(plan=plan, reason=Plan.ClosingReason.MOVED, note="", acting_user=coordinator)
    new = plan_create(
        owner=plan.owner,
        coordinator=coordinator,
        municipality=municipality,
        acting_user=coordinator,
    )
    assert new.status == Plan.Status.DRAFT


def test_the_service_explains_the_one_plan_rule(plan, municipality, coordinator):
    with pytest.raises(ValidationError) as error:
        plan_create(
            owner=plan.owner,
            coordinator=coordinator,
            municipality=municipality,
            acting_user=coordinator,
        )
    assert error.value.messages == [str(ALREADY_HAS_OPEN_PLAN)]


def test_only_a_coordinator_of_the_municipality_creates_plans(
    owner, municipality, stranger, other_coordinator
):
    for actor in (stranger, other_coordinator):
        with pytest.raises(PermissionDenied):
            plan_create(
                owner=owner, coordinator=actor, municipality=municipality, acting_user=actor
            )
    assert not Plan.objects.exists()


def test_a_draft_becomes_active_with_coordinator_and_period(owner, municipality, coordinator):
    draft = plan_create(
        owner=owner, coordinator=coordinator, municipality=municipality, acting_user=coordinator
    )
    with pytest.raises(ValidationError):
        plan_activate(plan=draft, acting_user=coordinator)
    draft.period_start, draft.period_end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    draft.save()
    with pytest.raises(ValidationError) as error:
        plan_activate(plan=draft, acting_user=coordinator)
    assert error.value.messages == [str(ACTIVATION_NEEDS_CONSENT)]
    plan_consent_give(plan=draft, acting_user=owner)
    assert plan_activate(plan=draft, acting_user=coordinator).status == Plan.Status.ACTIVE
    with pytest.raises(ValidationError):
        plan_activate(plan=draft, acting_user=coordinator)  # active -> active is not a move


def test_closing_records_reason_and_date_and_makes_the_plan_read_only(plan, coordinator, owner):
    plan_close(
        plan=plan,
        reason=Plan.ClosingReason.NEED_ENDED,
        note="Målene er nådd",
        acting_user=coordinator,
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CLOSED and plan.closed_at is not None
    assert plan.closing_reason == Plan.ClosingReason.NEED_ENDED
    for write in (
        lambda: goal_create(plan=plan, title="Nytt", acting_user=coordinator),
        lambda: measure_create(plan=plan, title="x", goal=None, acting_user=owner),
        lambda: about_me_update(
            plan=plan,
            expected_version=1,
            what_matters="x",
            resources="",
            needs="",
            language_culture="",
            acting_user=owner,
        ),
        lambda: plan_close(plan=plan, reason="other", note="", acting_user=coordinator),
    ):
        with pytest.raises(PlanClosedError) as error:
            write()
        assert str(PLAN_IS_CLOSED) in str(error.value)
    assert not Goal.objects.filter(plan=plan).exists()


def test_a_closed_plan_cannot_be_reopened(plan, coordinator):
    plan_close(plan=plan, reason=Plan.ClosingReason.OTHER, note="", acting_user=coordinator)
    plan.refresh_from_db()
    with pytest.raises(PlanClosedError):
        plan_activate(plan=plan, acting_user=coordinator)


def test_the_database_refuses_a_period_that_ends_before_it_starts(plan):
    plan.period_end = plan.period_start - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        plan.save()


def test_every_change_is_in_the_history_with_who_and_when(plan, coordinator):
    goal_create(plan=plan, title="Gå på kino", acting_user=coordinator)
    change = PlanChange.objects.get(plan=plan)
    assert change.actor == coordinator and change.section == "goals"
    assert "Gå på kino" in change.summary and change.at is not None
