"""Goals, measures, notes, participants, handover: who may write what, and concurrent edits."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consent.models import AccessLogEntry
from plans.models import CoordinatorHandover, Goal, Measure, Participant, PlanChange
from plans.services.common import ConcurrentEditError
from plans.services.goals import goal_create, goal_move, goal_update
from plans.services.handover import handover_propose, handover_respond
from plans.services.lifecycle import about_me_update
from plans.services.measures import measure_create, measure_update
from plans.services.notes import NOT_EDITABLE, note_correct, note_create
from plans.services.participants import participant_add, participant_remove
from tests.factories import staff


@pytest.fixture
def goal(plan, coordinator):
    return goal_create(plan=plan, title="Jeg vil bo hjemme", acting_user=coordinator)


def test_the_owner_writes_goals_in_their_own_words_but_not_status(plan, owner):
    goal = goal_create(plan=plan, title="Jeg vil gå tur hver dag", acting_user=owner)
    assert goal.created_by == owner and goal.status == Goal.Status.NOT_STARTED
    with pytest.raises(PermissionDenied):
        goal_update(goal=goal, expected_version=1, status=Goal.Status.ACHIEVED, acting_user=owner)
    goal_update(
        goal=goal,
        expected_version=1,
        title="Jeg vil gå tur med hunden",
        description="",
        acting_user=owner,
    )
    goal.refresh_from_db()
    assert goal.title == "Jeg vil gå tur med hunden" and goal.status == Goal.Status.NOT_STARTED


def test_the_guardian_acts_for_the_child(child_plan, guardian):
    goal = goal_create(plan=child_plan, title="Ha en venn", acting_user=guardian)
    assert goal.plan == child_plan
    assert AccessLogEntry.objects.filter(
        plan=child_plan, actor=guardian, actor_role="representative", action="create"
    ).exists()


def test_outsiders_cannot_write(plan, stranger, other_coordinator, case_handler):
    for actor in (stranger, other_coordinator, case_handler):
        with pytest.raises(PermissionDenied):
            goal_create(plan=plan, title="Nope", acting_user=actor)
    assert not Goal.objects.exists()


def test_sub_goals_go_one_level_deep(plan, coordinator, goal):
    sub = goal_create(plan=plan, title="Delmål", parent=goal, acting_user=coordinator)
    with pytest.raises(ValidationError):
        goal_create(plan=plan, title="Under-under", parent=sub, acting_user=coordinator)


def test_the_second_of_two_concurrent_edits_is_refused_and_the_first_kept(goal, coordinator, owner):
    goal_update(
        goal=goal,
        expected_version=1,
        title="Kari's version",
        description="",
        acting_user=coordinator,
    )
    stale = Goal.objects.get(pk=goal.pk)
    stale.version = 1  # the owner's form was rendered before Kari saved
    with pytest.raises(ConcurrentEditError):
        goal_update(
            goal=stale,
            expected_version=1,
            title="Ingrid's version",
            description="",
            acting_user=owner,
        )
    goal.refresh_from_db()
    assert goal.title == "Kari's version" and goal.version == 2


def test_about_me_has_its_own_version(plan, owner, coordinator):
    about_me_update(
        plan=plan,
        expected_version=1,
        what_matters="Hunden min",
        resources="",
        needs="",
        language_culture="",
        acting_user=owner,
    )
    with pytest.raises(ConcurrentEditError):
        about_me_update(
            plan=plan,
            expected_version=1,
            what_matters="Overskrevet",
            resources="",
            needs="",
            language_culture="",
            acting_user=coordinator,
        )
    plan.refresh_from_db()
    assert plan.what_matters == "Hunden min"


def test_goals_are_reordered_by_moving_them(plan, coordinator):
    first, _second, third = (
        goal_create(plan=plan, title=t, acting_user=coordinator) for t in ("A", "B", "C")
    )
    goal_move(goal=third, direction="up", acting_user=coordinator)
    assert list(Goal.objects.filter(plan=plan).values_list("title", flat=True)) == ["A", "C", "B"]
    with pytest.raises(ValidationError):
        goal_move(goal=first, direction="up", acting_user=coordinator)


def test_the_owner_adds_own_contributions_only(plan, owner, coordinator, goal):
    own = measure_create(plan=plan, goal=goal, title="Lage middag", acting_user=owner)
    assert own.is_own_contribution and own.performed_by == owner.display_name
    service = measure_create(plan=plan, goal=goal, title="Hjemmehjelp", acting_user=coordinator)
    with pytest.raises(PermissionDenied):
        measure_update(measure=service, expected_version=1, title="Endret", acting_user=owner)
    with pytest.raises(PermissionDenied):
        measure_create(plan=plan, goal=goal, title="x", organisation=None, acting_user=owner)


def test_a_measure_cannot_point_at_another_plans_goal_or_participant(
    plan, child_plan, coordinator, goal
):
    other_goal = goal_create(plan=child_plan, title="Annen plan", acting_user=coordinator)
    with pytest.raises(ValidationError):
        measure_create(plan=plan, goal=other_goal, title="x", acting_user=coordinator)
    stranger_participant = participant_add(
        plan=child_plan, name="X", role="other", acting_user=coordinator
    )
    with pytest.raises(ValidationError):
        measure_create(
            plan=plan,
            goal=goal,
            title="x",
            responsible=stranger_participant,
            acting_user=coordinator,
        )
    assert not Measure.objects.filter(plan=plan).exists()


def test_notes_can_be_corrected_by_their_author_within_the_window(
    plan, coordinator, goal, municipality
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        note = note_create(
            plan=plan,
            goal=goal,
            text="Første",
            noted_on=timezone.localdate(),
            acting_user=coordinator,
        )
        colleague = staff("coordinator", municipality)
        with pytest.raises(PermissionDenied):
            note_correct(note=note, text="Kollega", noted_on=note.noted_on, acting_user=colleague)
        note_correct(note=note, text="Rettet", noted_on=note.noted_on, acting_user=coordinator)
        traveller.shift(datetime.timedelta(minutes=61))
        with pytest.raises(PermissionDenied) as error:
            note_correct(
                note=note, text="For sent", noted_on=note.noted_on, acting_user=coordinator
            )
        assert str(NOT_EDITABLE) in str(error.value)
    note.refresh_from_db()
    assert note.text == "Rettet" and note.edited_at is not None


def test_a_note_is_about_one_goal_or_one_measure_and_not_in_the_future(plan, coordinator, goal):
    with pytest.raises(ValidationError):
        note_create(plan=plan, text="x", noted_on=timezone.localdate(), acting_user=coordinator)
    with pytest.raises(ValidationError):
        note_create(
            plan=plan,
            goal=goal,
            text="x",
            acting_user=coordinator,
            noted_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_a_participant_responsible_for_open_measures_cannot_leave(plan, coordinator, goal):
    nurse = participant_add(
        plan=plan, name="Nina", role="service_provider", acting_user=coordinator
    )
    measure_create(plan=plan, goal=goal, title="Stell", responsible=nurse, acting_user=coordinator)
    with pytest.raises(ValidationError):
        participant_remove(participant=nurse, acting_user=coordinator)
    assert Participant.objects.get(pk=nurse.pk).is_active


def test_handover_keeps_the_old_coordinator_until_the_new_one_accepts(
    plan, coordinator, municipality
):
    successor = staff("coordinator", municipality)
    handover = handover_propose(
        plan=plan, to_coordinator=successor, message="", acting_user=coordinator
    )
    plan.refresh_from_db()
    assert plan.coordinator == coordinator
    with pytest.raises(PermissionDenied):
        handover_respond(handover=handover, accept=True, acting_user=coordinator)
    handover_respond(handover=handover, accept=True, acting_user=successor)
    plan.refresh_from_db()
    handover.refresh_from_db()
    assert plan.coordinator == successor
    assert handover.status == CoordinatorHandover.Status.ACCEPTED and handover.decided_at
    summaries = list(PlanChange.objects.filter(plan=plan).values_list("summary", "actor"))
    assert any("Foreslo" in s and a == coordinator.pk for s, a in summaries)
    assert any("overtok" in s and a == successor.pk for s, a in summaries)


def test_handover_only_to_a_coordinator_of_the_same_municipality(
    plan, coordinator, other_coordinator, professional
):
    for candidate in (other_coordinator, professional, coordinator):
        with pytest.raises(ValidationError):
            handover_propose(
                plan=plan, to_coordinator=candidate, message="", acting_user=coordinator
            )
    assert not CoordinatorHandover.objects.exists()
