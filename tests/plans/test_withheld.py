"""Items withheld from the parents at a child's request (issue 11, section 4).

Sara, 13, asked that one goal (with what hangs under it) and one note are kept from her
mother. The coordinator decides and it is logged; her mother (and an aunt taking part as a
relative) never reads those items on any path; Sara, the coordinator and the school nurse do,
marked. Each read path has its own test, which fails without its filter.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import OutboxMessage
from consent.models import AccessLogEntry
from consent.services import grants_decide, plan_consent_give
from coordination.models import GoalEvaluation, Minutes
from coordination.services.meetings import meeting_create
from coordination.services.reminders import remind_measures
from plans.models import (
    Goal,
    Measure,
    Participant,
    PlanChange,
    ProgressNote,
    WithholdingDecision,
)
from plans.services.goals import goal_create
from plans.services.measures import measure_create
from plans.services.notes import note_create
from plans.services.participants import participant_add
from plans.services.withheld import NOT_ELIGIBLE, REASON_REQUIRED, item_withhold_decide
from plans.withheld import is_withheld
from tests.consent.conftest import IN_A_MONTH
from tests.factories import PlanFactory, UserFactory, represent, staff, with_national_id

pytestmark = pytest.mark.django_db

SECRET_GOAL = "ZqSecretGoalQz"
SECRET_SUBGOAL = "ZqSecretSubgoalQz"
SECRET_MEASURE = "ZqSecretMeasureQz"
SECRET_NOTE = "ZqSecretNoteQz"
SECRET_NOTE_ON_OPEN_GOAL = "ZqSecretLooseNoteQz"
SECRETS = (SECRET_GOAL, SECRET_SUBGOAL, SECRET_MEASURE, SECRET_NOTE, SECRET_NOTE_ON_OPEN_GOAL)
OPEN_GOAL = "Bli bedre i matte"
REASON = "Sara vil fortelle det selv når hun er klar; helsesykepleier følger opp."


def thirteen_years_ago() -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - 13) - datetime.timedelta(days=30)


@pytest.fixture
def teen(municipality):
    """Sara, 13: old enough to ask that something is kept from her parents."""
    user = UserFactory(username="sara", first_name="Sara", last_name="Lund")
    return with_national_id(user, thirteen_years_ago())


@pytest.fixture
def mother(teen):
    """Hanne: Sara's mother, with parental responsibility."""
    user = UserFactory(username="hanne", first_name="Hanne", last_name="Lund")
    represent(teen, user)
    return user


@pytest.fixture
def teen_plan(municipality, teen, mother, coordinator):
    plan = PlanFactory(municipality=municipality, owner=teen, coordinator=coordinator)
    plan_consent_give(plan=plan, acting_user=mother)
    open_goal = goal_create(plan=plan, title=OPEN_GOAL, acting_user=coordinator)
    secret = goal_create(plan=plan, title=SECRET_GOAL, acting_user=coordinator)
    goal_create(plan=plan, title=SECRET_SUBGOAL, parent=secret, acting_user=coordinator)
    measure_create(plan=plan, goal=secret, title=SECRET_MEASURE, acting_user=coordinator)
    measure_create(plan=plan, goal=open_goal, title="Leksehjelp", acting_user=coordinator)
    today = timezone.localdate()
    note_create(plan=plan, goal=secret, text=SECRET_NOTE, noted_on=today, acting_user=coordinator)
    loose = note_create(
        plan=plan,
        goal=open_goal,
        text=SECRET_NOTE_ON_OPEN_GOAL,
        noted_on=today,
        acting_user=coordinator,
    )
    plan.people = {}
    for key, role, levels in [
        ("nurse", "service_provider", {"goals": "read", "measures": "read", "notes": "read"}),
        ("aunt", "relative", {"goals": "read", "measures": "read", "notes": "read"}),
    ]:
        user = staff("professional", municipality, username=key)
        participant = participant_add(
            plan=plan, user=user, name=key.title(), role=role, acting_user=coordinator
        )
        grants_decide(
            plan=plan,
            participant=participant,
            levels=levels,
            ends_on=IN_A_MONTH,
            acting_user=mother,
        )
        plan.people[key] = user
    item_withhold_decide(item=secret, withheld=True, reason=REASON, acting_user=coordinator)
    item_withhold_decide(item=loose, withheld=True, reason=REASON, acting_user=coordinator)
    plan.secret, plan.open_goal, plan.loose_note = secret, open_goal, loose
    return plan


def page(client, user, name, plan, *args, **query):
    client.force_login(user)
    url = reverse(name, args=[plan.pk, *args])
    return client.get(url, query)


def assert_no_secret(response):
    assert response.status_code == 200
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body, secret
    assert "Skjermet for foreldrene" not in body  # not even that something is withheld


# --- The decision --------------------------------------------------------------------------


def test_it_records_the_decision_in_the_history_and_the_access_log(teen_plan, coordinator):
    decision = WithholdingDecision.objects.get(item_kind="goal", item_id=teen_plan.secret.pk)
    assert (decision.withheld, decision.reason, decision.decided_by) == (True, REASON, coordinator)
    change = PlanChange.objects.filter(plan=teen_plan, message__startswith="Skjermet").first()
    loose, open_goal = teen_plan.loose_note.pk, teen_plan.open_goal.pk
    assert change.items == f",goal:{open_goal},progressnote:{loose},withholding,"
    assert AccessLogEntry.objects.filter(
        plan=teen_plan,
        actor=coordinator,
        action="update",
        object_type="goal",
        object_id=teen_plan.secret.pk,
    ).exists()


def test_what_hangs_under_a_withheld_goal_is_withheld_with_it(teen_plan):
    sub = Goal.objects.get(title=SECRET_SUBGOAL)
    measure = Measure.objects.get(title=SECRET_MEASURE)
    note = ProgressNote.objects.get(text=SECRET_NOTE)
    assert all(is_withheld(item) for item in (sub, measure, note))
    assert not is_withheld(teen_plan.open_goal)


def test_the_coordinator_must_give_reasons(client, teen_plan, coordinator):
    client.force_login(coordinator)
    url = reverse("plans:goal_withhold", args=[teen_plan.pk, teen_plan.open_goal.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert not Goal.objects.get(pk=teen_plan.open_goal.pk).withheld_from_parents
    with pytest.raises(ValidationError) as error:
        item_withhold_decide(
            item=teen_plan.open_goal, withheld=True, reason="", acting_user=coordinator
        )
    assert REASON_REQUIRED in error.value.messages


def test_the_coordinator_withholds_through_the_page(client, teen_plan, coordinator):
    client.force_login(coordinator)
    url = reverse("plans:goal_withhold", args=[teen_plan.pk, teen_plan.open_goal.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "pasient- og brukerrettighetsloven" in form.content.decode().lower()  # the table
    # The ground is chosen (13: her own request, or weighty considerations).
    assert client.post(url, {"reason": REASON}).status_code == 400
    response = client.post(url, {"ground": "child_request", "reason": REASON})
    assert response.status_code == 302
    assert Goal.objects.get(pk=teen_plan.open_goal.pk).withheld_from_parents


def test_nobody_but_the_coordinator_may_withhold(client, teen_plan, mother, teen):
    for user in (mother, teen, teen_plan.people["nurse"]):
        client.force_login(user)
        url = reverse("plans:goal_withhold", args=[teen_plan.pk, teen_plan.open_goal.pk])
        assert client.post(url, {"reason": REASON}).status_code == 403, user
        with pytest.raises(PermissionDenied):
            item_withhold_decide(
                item=teen_plan.open_goal, withheld=True, reason=REASON, acting_user=user
            )
    assert not Goal.objects.get(pk=teen_plan.open_goal.pk).withheld_from_parents


@pytest.mark.parametrize("persona", ["case_handler", "administrator", "other_coordinator"])
def test_other_staff_roles_get_404_and_change_nothing(client, request, teen_plan, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("plans:goal_withhold", args=[teen_plan.pk, teen_plan.secret.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Vis det"}).status_code == 404
    assert Goal.objects.get(pk=teen_plan.secret.pk).withheld_from_parents
    for name in ("plans:detail", "plans:history", "plans:notes"):
        assert page(client, request.getfixturevalue(persona), name, teen_plan).status_code == 404


def test_a_child_under_twelve_cannot_ask_to_have_items_withheld(client, child_plan, coordinator):
    goal = goal_create(plan=child_plan, title="Sykle", acting_user=coordinator)
    with pytest.raises(ValidationError) as error:
        item_withhold_decide(item=goal, withheld=True, reason=REASON, acting_user=coordinator)
    assert NOT_ELIGIBLE in error.value.messages
    client.force_login(coordinator)
    url = reverse("plans:goal_withhold", args=[child_plan.pk, goal.pk])
    # Only weighty considerations for the child are offered (tests/plans/test_withheld_weighty.py).
    body = client.get(url).content.decode()
    assert 'value="weighty_reasons"' in body and 'value="child_request"' not in body
    response = client.post(url, {"ground": "child_request", "reason": REASON})
    assert response.status_code == 400
    assert not Goal.objects.get(pk=goal.pk).withheld_from_parents


def test_from_sixteen_the_page_is_refused(client, coordinator, municipality):
    today = timezone.localdate()
    young = with_national_id(
        UserFactory(username="una"), today.replace(year=today.year - 17) - datetime.timedelta(30)
    )
    plan = PlanFactory(municipality=municipality, owner=young, coordinator=coordinator)
    goal = goal_create(plan=plan, title="Jobb", acting_user=coordinator)
    client.force_login(coordinator)
    assert client.get(reverse("plans:goal_withhold", args=[plan.pk, goal.pk])).status_code == 403


# --- The parent reads nothing of it, on every path -----------------------------------------


def test_the_parent_plan_page_leaves_withheld_items_out(client, teen_plan, mother):
    response = page(client, mother, "plans:detail", teen_plan)
    assert_no_secret(response)
    assert OPEN_GOAL in response.content.decode()


def test_a_relative_taking_part_does_not_see_them_either(client, teen_plan):
    assert_no_secret(page(client, teen_plan.people["aunt"], "plans:detail", teen_plan))


def test_the_parent_notes_list_leaves_withheld_notes_out(client, teen_plan, mother):
    assert_no_secret(page(client, mother, "plans:notes", teen_plan))
    filtered = page(client, mother, "plans:notes", teen_plan, goal=teen_plan.secret.pk)
    assert_no_secret(filtered)


def test_the_parent_cannot_open_a_withheld_goal_or_measure(client, teen_plan, mother):
    client.force_login(mother)
    measure = Measure.objects.get(title=SECRET_MEASURE)
    sub = Goal.objects.get(title=SECRET_SUBGOAL)
    for name, pk in [
        ("plans:goal_edit", teen_plan.secret.pk),
        ("plans:goal_edit", sub.pk),
        ("plans:measure_edit", measure.pk),
    ]:
        assert client.get(reverse(name, args=[teen_plan.pk, pk])).status_code == 404, name


def test_the_parent_cannot_choose_a_withheld_goal_for_an_own_contribution(
    client, teen_plan, mother
):
    assert_no_secret(page(client, mother, "plans:measure_create", teen_plan))
    client.force_login(mother)
    response = client.post(
        reverse("plans:measure_create", args=[teen_plan.pk]),
        {"version": 1, "goal": teen_plan.secret.pk, "title": "Gå tur", "status": "planned"},
    )
    assert response.status_code == 400
    assert not Measure.objects.filter(title="Gå tur").exists()


def test_the_parent_pdf_leaves_withheld_items_out(client, teen_plan, mother):
    client.force_login(mother)
    response = client.get(reverse("plans:pdf", args=[teen_plan.pk]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert OPEN_GOAL in text
    assert not any(secret in text for secret in SECRETS)


def test_the_parent_history_leaves_out_every_entry_naming_them(client, teen_plan, mother):
    response = page(client, mother, "plans:history", teen_plan)
    assert_no_secret(response)
    assert OPEN_GOAL in response.content.decode()


def test_the_parent_access_log_leaves_out_entries_about_them(client, teen_plan, mother):
    client.force_login(mother)
    secret_entries = AccessLogEntry.objects.filter(
        plan=teen_plan, object_type="goal", object_id=teen_plan.secret.pk
    )
    assert secret_entries.exists()
    response = client.get(reverse("consent:log", args=[teen_plan.pk]))
    shown = {entry.pk for entry in response.context["entries"]}
    assert shown
    assert not shown & set(secret_entries.values_list("pk", flat=True))


def test_the_meeting_minutes_leave_out_the_evaluation_of_a_withheld_goal(
    client, teen_plan, mother, coordinator
):
    meeting = meeting_create(
        plan=teen_plan,
        title="Samarbeidsmøte",
        starts_at=timezone.now() + datetime.timedelta(minutes=30),
        duration_minutes=60,
        place="Skolen",
        video_link="",
        agenda=["Status"],
        invitee_ids=[mother.pk],
        acting_user=coordinator,
    )
    minutes = Minutes.objects.create(
        meeting=meeting,
        written_by=coordinator,
        status=Minutes.Status.APPROVED,
        approved_by=coordinator,
        approved_at=timezone.now(),
    )
    GoalEvaluation.objects.create(minutes=minutes, goal=teen_plan.secret, status="in_progress")
    GoalEvaluation.objects.create(minutes=minutes, goal=teen_plan.open_goal, status="in_progress")
    client.force_login(mother)
    response = client.get(reverse("coordination:meeting", args=[teen_plan.pk, meeting.pk]))
    assert_no_secret(response)
    assert OPEN_GOAL in response.content.decode()
    client.force_login(coordinator)
    response = client.get(reverse("coordination:meeting", args=[teen_plan.pk, meeting.pk]))
    assert SECRET_GOAL in response.content.decode()


# --- The child, the coordinator and the services see them, marked --------------------------


@pytest.mark.parametrize("who", ["teen", "coordinator", "nurse"])
def test_those_it_is_not_withheld_from_see_it_marked(client, request, teen_plan, who):
    user = teen_plan.people.get(who) or request.getfixturevalue(who)
    body = page(client, user, "plans:detail", teen_plan).content.decode()
    assert SECRET_GOAL in body and SECRET_MEASURE in body and SECRET_NOTE_ON_OPEN_GOAL in body
    assert "Skjermet for foreldrene" in body
    history = page(client, user, "plans:history", teen_plan).content.decode()
    assert SECRET_GOAL in history


def test_lifting_shows_the_item_again_but_never_the_decisions(
    client, teen_plan, mother, coordinator
):
    item_withhold_decide(
        item=teen_plan.secret,
        withheld=False,
        reason="Sara har fortalt det",
        acting_user=coordinator,
    )
    body = page(client, mother, "plans:detail", teen_plan).content.decode()
    assert SECRET_GOAL in body and SECRET_MEASURE in body
    history = page(client, mother, "plans:history", teen_plan).content.decode()
    assert f"Nytt mål: «{SECRET_GOAL}»" in history
    assert "skjermet for foreldrene" not in history.lower()


def test_the_parent_plan_page_costs_no_more_queries_than_before(
    client, teen_plan, mother, django_assert_max_num_queries
):
    from tests.plans.test_query_budget import REPRESENTATIVE_PAGE_BUDGET

    client.force_login(mother)
    url = reverse("plans:detail", args=[teen_plan.pk])
    client.get(url)
    with django_assert_max_num_queries(REPRESENTATIVE_PAGE_BUDGET):
        assert client.get(url).status_code == 200


def test_a_relative_responsible_for_a_withheld_measure_gets_no_reminder(teen_plan, coordinator):
    aunt = Participant.objects.get(plan=teen_plan, user=teen_plan.people["aunt"])
    soon = timezone.localdate() + datetime.timedelta(days=2)
    for goal, title in [(teen_plan.secret, "Hemmelig frist"), (teen_plan.open_goal, "Åpen frist")]:
        measure_create(
            plan=teen_plan,
            goal=goal,
            title=title,
            responsible=aunt,
            deadline=soon,
            acting_user=coordinator,
        )
    assert remind_measures(overdue=False) == 2
    told = set(
        OutboxMessage.objects.filter(recipient=aunt.user, kind="reminder").values_list(
            "dedupe_key", flat=True
        )
    )
    open_measure = Measure.objects.get(title="Åpen frist")
    assert told == {f"measure-due-soon:{open_measure.pk}:{soon}:{aunt.user_id}"}
    assert OutboxMessage.objects.filter(recipient=coordinator, kind="reminder").count() == 2
