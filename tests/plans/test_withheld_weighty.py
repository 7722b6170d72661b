"""Items withheld from the parents because weighty considerations for the child speak against
it (the patients' rights act on information when the patient is under 18, third paragraph;
issue 11, section 4).

Emma, 10, is in the care of the child welfare service, which consented to her plan; her father
Lars keeps parental responsibility and so reads the plan. The coordinator withholds one goal
(with what hangs under it) and one note from him on this ground: the same mechanism as the
child's own request from 12 (tests/plans/test_withheld.py), with its own ground and rule. Lars
never reads those items on any path; Emma, the coordinator and the school nurse do, marked.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import OutboxMessage, Representation
from consent.models import AccessLogEntry
from consent.policy import full_read_access
from consent.services import grants_decide, plan_consent_give
from coordination.models import GoalEvaluation, Minutes
from coordination.services.meetings import meeting_create
from coordination.services.reminders import remind_measures
from plans.models import Goal, Measure, Participant, PlanChange, WithholdingDecision
from plans.selectors import plan_overview
from plans.services.goals import goal_create
from plans.services.measures import measure_create
from plans.services.notes import note_create
from plans.services.participants import participant_add
from plans.services.withheld import (
    NOT_ELIGIBLE,
    NOT_ELIGIBLE_WEIGHTY,
    REASON_REQUIRED_WEIGHTY,
    item_withhold_decide,
)
from plans.withheld import is_withheld, withhold_grounds
from tests.consent.conftest import IN_A_MONTH
from tests.factories import PlanFactory, UserFactory, represent, staff, with_national_id

pytestmark = pytest.mark.django_db

WEIGHTY = WithholdingDecision.Ground.WEIGHTY_REASONS
REQUEST = WithholdingDecision.Ground.CHILD_REQUEST
SECRET_GOAL = "ZqHiddenGoalQz"
SECRET_SUBGOAL = "ZqHiddenSubgoalQz"
SECRET_MEASURE = "ZqHiddenMeasureQz"
SECRET_NOTE = "ZqHiddenNoteQz"
SECRET_LOOSE_NOTE = "ZqHiddenLooseNoteQz"
SECRETS = (SECRET_GOAL, SECRET_SUBGOAL, SECRET_MEASURE, SECRET_NOTE, SECRET_LOOSE_NOTE)
OPEN_GOAL = "Trygg skolevei"
REASON = "Barnevernet vurderer at far ikke skal vite om behandlingen nå; det kan skade Emma."


@pytest.fixture
def in_care(child, guardian):
    """Berit, the child welfare service: it has taken over care; Lars keeps parental
    responsibility."""
    caseworker = UserFactory(username="bv", first_name="Berit", last_name="Barnevern")
    represent(child, caseworker, kind=Representation.Kind.CHILD_WELFARE)
    return caseworker


@pytest.fixture
def care_plan(child_plan, child, guardian, in_care, coordinator, municipality):
    plan = child_plan
    plan_consent_give(plan=plan, acting_user=in_care, child_view="Vil ha hjelp.")
    open_goal = goal_create(plan=plan, title=OPEN_GOAL, acting_user=coordinator)
    secret = goal_create(plan=plan, title=SECRET_GOAL, acting_user=coordinator)
    goal_create(plan=plan, title=SECRET_SUBGOAL, parent=secret, acting_user=coordinator)
    measure_create(plan=plan, goal=secret, title=SECRET_MEASURE, acting_user=coordinator)
    today = timezone.localdate()
    note_create(plan=plan, goal=secret, text=SECRET_NOTE, noted_on=today, acting_user=coordinator)
    loose = note_create(
        plan=plan, goal=open_goal, text=SECRET_LOOSE_NOTE, noted_on=today, acting_user=coordinator
    )
    plan.people = {}
    for key, role in [("nurse", "service_provider"), ("aunt", "relative")]:
        user = staff("professional", municipality, username=key)
        participant = participant_add(
            plan=plan, user=user, name=key.title(), role=role, acting_user=coordinator
        )
        grants_decide(
            plan=plan,
            participant=participant,
            levels={"goals": "read", "measures": "read", "notes": "read"},
            ends_on=IN_A_MONTH,
            acting_user=in_care,
        )
        plan.people[key] = user
    for item in (secret, loose):
        item_withhold_decide(
            item=item, withheld=True, reason=REASON, ground=WEIGHTY, acting_user=coordinator
        )
    plan.secret, plan.open_goal, plan.loose_note = secret, open_goal, loose
    return plan


def page(client, user, name, plan, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=[plan.pk, *args]), query)


def assert_no_secret(response):
    assert response.status_code == 200
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body, secret
    assert "Skjermet for foreldrene" not in body


# --- The decision ----------------------------------------------------------------------------


def test_a_child_of_any_age_under_sixteen_may_have_items_withheld_on_this_ground(care_plan):
    assert withhold_grounds(care_plan) == [WEIGHTY]  # Emma is 10: not at her own request
    assert is_withheld(Goal.objects.get(title=SECRET_SUBGOAL))
    assert is_withheld(Measure.objects.get(title=SECRET_MEASURE))


def test_it_records_the_ground_in_the_decision_the_history_and_the_access_log(
    care_plan, coordinator
):
    decision = WithholdingDecision.objects.get(item_kind="goal", item_id=care_plan.secret.pk)
    assert (decision.withheld, decision.ground, decision.reason, decision.decided_by) == (
        True,
        WEIGHTY,
        REASON,
        coordinator,
    )
    changes = PlanChange.objects.filter(
        plan=care_plan, message__startswith="Skjermet for foreldrene av tungtveiende hensyn"
    )
    assert sorted(change.params["title"] for change in changes) == sorted(
        [SECRET_GOAL, SECRET_LOOSE_NOTE]
    )
    assert all(",withholding," in change.items for change in changes)
    assert AccessLogEntry.objects.filter(
        plan=care_plan,
        actor=coordinator,
        action="update",
        object_type="goal",
        object_id=care_plan.secret.pk,
    ).exists()


def test_the_reason_is_required(client, care_plan, coordinator):
    with pytest.raises(ValidationError) as error:
        item_withhold_decide(
            item=care_plan.open_goal,
            withheld=True,
            reason=" ",
            ground=WEIGHTY,
            acting_user=coordinator,
        )
    assert REASON_REQUIRED_WEIGHTY in error.value.messages
    client.force_login(coordinator)
    url = reverse("plans:goal_withhold", args=[care_plan.pk, care_plan.open_goal.pk])
    response = client.post(url, {"ground": WEIGHTY, "reason": ""})
    assert response.status_code == 400
    assert not Goal.objects.get(pk=care_plan.open_goal.pk).withheld_from_parents


def test_the_page_offers_only_the_grounds_the_age_allows_and_cites_the_rule(
    client, care_plan, coordinator
):
    client.force_login(coordinator)
    url = reverse("plans:goal_withhold", args=[care_plan.pk, care_plan.open_goal.pk])
    body = client.get(url).content.decode()
    assert f'value="{WEIGHTY}"' in body and f'value="{REQUEST}"' not in body
    assert "tredje ledd" in body and "tungtveiende hensyn til pasienten" in body
    # A ten-year-old cannot ask herself: that ground is refused, nothing changes.
    assert client.post(url, {"ground": REQUEST, "reason": REASON}).status_code == 400
    assert not Goal.objects.get(pk=care_plan.open_goal.pk).withheld_from_parents
    with pytest.raises(ValidationError) as error:
        item_withhold_decide(
            item=care_plan.open_goal,
            withheld=True,
            reason=REASON,
            ground=REQUEST,
            acting_user=coordinator,
        )
    assert NOT_ELIGIBLE in error.value.messages
    assert client.post(url, {"ground": WEIGHTY, "reason": REASON}).status_code == 302
    assert Goal.objects.get(pk=care_plan.open_goal.pk).withheld_from_parents
    decision = WithholdingDecision.objects.get(item_kind="goal", item_id=care_plan.open_goal.pk)
    assert decision.ground == WEIGHTY


def test_a_teenager_gets_both_grounds(client, coordinator, municipality):
    today = timezone.localdate()
    teen = with_national_id(
        UserFactory(username="tor"), today.replace(year=today.year - 13) - datetime.timedelta(30)
    )
    plan = PlanFactory(municipality=municipality, owner=teen, coordinator=coordinator)
    assert withhold_grounds(plan) == [REQUEST, WEIGHTY]


def test_from_sixteen_nothing_is_withheld_on_this_ground(coordinator, municipality):
    today = timezone.localdate()
    young = with_national_id(
        UserFactory(username="una"), today.replace(year=today.year - 17) - datetime.timedelta(30)
    )
    plan = PlanFactory(municipality=municipality, owner=young, coordinator=coordinator)
    goal = goal_create(plan=plan, title="Jobb", acting_user=coordinator)
    assert withhold_grounds(plan) == []
    with pytest.raises(ValidationError) as error:
        item_withhold_decide(
            item=goal, withheld=True, reason=REASON, ground=WEIGHTY, acting_user=coordinator
        )
    assert NOT_ELIGIBLE_WEIGHTY in error.value.messages


@pytest.mark.parametrize("who", ["guardian", "in_care", "nurse", "aunt"])
def test_no_one_on_the_plan_but_the_coordinator_may_decide(client, request, care_plan, who):
    user = care_plan.people.get(who) or request.getfixturevalue(who)
    client.force_login(user)
    url = reverse("plans:goal_withhold", args=[care_plan.pk, care_plan.open_goal.pk])
    assert client.post(url, {"ground": WEIGHTY, "reason": REASON}).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        item_withhold_decide(
            item=care_plan.open_goal,
            withheld=True,
            reason=REASON,
            ground=WEIGHTY,
            acting_user=user,
        )
    assert not Goal.objects.get(pk=care_plan.open_goal.pk).withheld_from_parents


@pytest.mark.parametrize("persona", ["case_handler", "administrator", "other_coordinator"])
def test_other_staff_roles_get_404_and_change_nothing(client, request, care_plan, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for target in (care_plan.open_goal, care_plan.secret):
        url = reverse("plans:goal_withhold", args=[care_plan.pk, target.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"ground": WEIGHTY, "reason": REASON}).status_code == 404
    assert not Goal.objects.get(pk=care_plan.open_goal.pk).withheld_from_parents
    assert Goal.objects.get(pk=care_plan.secret.pk).withheld_from_parents
    with pytest.raises(PermissionDenied):
        item_withhold_decide(
            item=care_plan.open_goal,
            withheld=True,
            reason=REASON,
            ground=WEIGHTY,
            acting_user=user,
        )


# --- The parent reads nothing of it, on every path ---------------------------------------------


def test_the_parent_still_reads_the_plan_but_not_the_withheld_items(client, care_plan, guardian):
    response = page(client, guardian, "plans:detail", care_plan)
    assert_no_secret(response)
    assert OPEN_GOAL in response.content.decode()


def test_the_parent_lists_and_item_pages_leave_them_out(client, care_plan, guardian):
    assert_no_secret(page(client, guardian, "plans:notes", care_plan))
    assert_no_secret(page(client, guardian, "plans:notes", care_plan, goal=care_plan.secret.pk))
    client.force_login(guardian)
    edit = reverse("plans:goal_edit", args=[care_plan.pk, care_plan.secret.pk])
    assert client.get(edit).status_code == 404


def test_the_parent_pdf_leaves_them_out(client, care_plan, guardian):
    client.force_login(guardian)
    response = client.get(reverse("plans:pdf", args=[care_plan.pk]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert OPEN_GOAL in text and not any(secret in text for secret in SECRETS)


def test_the_parent_history_and_access_log_leave_them_out(client, care_plan, guardian):
    response = page(client, guardian, "plans:history", care_plan)
    assert_no_secret(response)
    assert OPEN_GOAL in response.content.decode()
    client.force_login(guardian)
    secret_entries = AccessLogEntry.objects.filter(
        plan=care_plan, object_type="goal", object_id=care_plan.secret.pk
    )
    assert secret_entries.exists()
    log = client.get(reverse("consent:log", args=[care_plan.pk]))
    shown = {entry.pk for entry in log.context["entries"]}
    assert shown and not shown & set(secret_entries.values_list("pk", flat=True))


def test_the_minutes_leave_out_the_evaluation_of_a_withheld_goal(
    client, care_plan, guardian, coordinator
):
    meeting = meeting_create(
        plan=care_plan,
        title="Ansvarsgruppemøte",
        starts_at=timezone.now() + datetime.timedelta(minutes=30),
        duration_minutes=60,
        place="Skolen",
        video_link="",
        agenda=["Status"],
        invitee_ids=[guardian.pk],
        acting_user=coordinator,
    )
    minutes = Minutes.objects.create(
        meeting=meeting,
        written_by=coordinator,
        status=Minutes.Status.APPROVED,
        approved_by=coordinator,
        approved_at=timezone.now(),
    )
    GoalEvaluation.objects.create(minutes=minutes, goal=care_plan.secret, status="in_progress")
    GoalEvaluation.objects.create(minutes=minutes, goal=care_plan.open_goal, status="in_progress")
    url = reverse("coordination:meeting", args=[care_plan.pk, meeting.pk])
    client.force_login(guardian)
    response = client.get(url)
    assert_no_secret(response)
    assert OPEN_GOAL in response.content.decode()
    client.force_login(coordinator)
    assert SECRET_GOAL in client.get(url).content.decode()


def test_the_copy_the_parents_may_read_leaves_them_out(care_plan):
    """The complaint's case file reads the plan through this access (complaints/services.py)."""
    overview = plan_overview(care_plan, full_read_access(care_plan, hides_withheld=True))
    titles = {view.goal.title for view in overview._all_goals()}
    assert OPEN_GOAL in titles and not titles & set(SECRETS)
    assert not {note.text for note in overview.notes} & set(SECRETS)


def test_a_relative_responsible_for_a_withheld_measure_gets_no_reminder(care_plan, coordinator):
    aunt = Participant.objects.get(plan=care_plan, user=care_plan.people["aunt"])
    soon = timezone.localdate() + datetime.timedelta(days=2)
    for goal, title in [(care_plan.secret, "Skjult frist"), (care_plan.open_goal, "Åpen frist")]:
        measure_create(
            plan=care_plan,
            goal=goal,
            title=title,
            responsible=aunt,
            deadline=soon,
            acting_user=coordinator,
        )
    remind_measures(overdue=False)
    told = set(
        OutboxMessage.objects.filter(recipient=aunt.user, kind="reminder").values_list(
            "dedupe_key", flat=True
        )
    )
    open_measure = Measure.objects.get(title="Åpen frist")
    assert told == {f"measure-due-soon:{open_measure.pk}:{soon}:{aunt.user_id}"}


# --- The child, the coordinator and the services see them, marked ------------------------------


@pytest.mark.parametrize("who", ["child", "coordinator", "nurse"])
def test_those_it_is_not_withheld_from_see_it_marked(client, request, care_plan, who):
    user = care_plan.people.get(who) or request.getfixturevalue(who)
    body = page(client, user, "plans:detail", care_plan).content.decode()
    assert SECRET_GOAL in body and SECRET_LOOSE_NOTE in body
    assert "Skjermet for foreldrene" in body
    assert SECRET_GOAL in page(client, user, "plans:history", care_plan).content.decode()
