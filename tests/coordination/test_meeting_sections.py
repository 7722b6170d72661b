"""Meetings keep the other sections out (issue 9, point 3): goal titles and evaluations only for
readers of the goals, names only for readers of the participants, and someone who may write
minutes without reading the goals can neither see nor set a goal's status."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from consent.services import grants_decide
from coordination.models import Meeting, MeetingInvitee
from coordination.services.meetings import GOALS_NOT_READABLE, PEOPLE_NOT_READABLE, meeting_create
from coordination.services.minutes import action_point_to_measure, minutes_approve, minutes_save
from plans.models import Goal
from plans.services.participants import participant_add
from tests.coordination.conftest import SOON
from tests.factories import staff

GOAL = "Klare innkjøp selv"  # the team fixture's goal
EVALUATION = "Klarer det nesten"


@pytest.fixture
def meetings_only(team, coordinator, owner, municipality):
    """Mia: may read and write the meetings section, nothing else."""
    mia = staff("professional", municipality, username="mia", first_name="Mia", last_name="Møte")
    participant = participant_add(
        plan=team["plan"],
        user=mia,
        name="Mia Møte",
        role="service_provider",
        acting_user=coordinator,
    )
    grants_decide(
        plan=team["plan"],
        participant=participant,
        ends_on=SOON,
        acting_user=owner,
        levels={"meetings": "write"},
    )
    return mia


def _held_meeting(team, coordinator, owner):
    meeting = meeting_create(
        plan=team["plan"],
        title="Samarbeidsmøte",
        duration_minutes=60,
        place="",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        video_link="",
        agenda=["Status"],
        invitee_ids=[owner.pk, team["per"].pk, coordinator.pk],
        acting_user=coordinator,
    )
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    meeting.refresh_from_db()
    return meeting


def _save(meeting, user, **changes):
    data = {
        "meeting": meeting,
        "expected_version": None,
        "attendee_ids": None,
        "other_attendees": "",
        "decisions": "",
        "agenda_notes": {},
        "evaluations": None,
        "action_points": [],
        "acting_user": user,
    }
    return minutes_save(**{**data, **changes})


@pytest.fixture
def approved(team, coordinator, owner, meetings_only):
    meeting = _held_meeting(team, coordinator, owner)
    minutes = _save(
        meeting,
        coordinator,
        attendee_ids=[meeting.invitees.get(user=team["per"]).pk],
        evaluations={team["goal"].pk: (Goal.Status.IN_PROGRESS, EVALUATION)},
    )
    minutes_approve(minutes=minutes, acting_user=coordinator)
    return meeting


def test_it_shows_approved_minutes_without_goals_or_names_to_a_meetings_only_reader(
    client, team, approved, meetings_only
):
    client.force_login(meetings_only)
    body = client.get(
        reverse("coordination:meeting", args=[team["plan"].pk, approved.pk])
    ).content.decode()
    assert "Godkjent" in body
    assert GOAL not in body and EVALUATION not in body
    assert "Per Hansen" not in body  # an invitee and attendee: a participant's name
    assert "3 er invitert." in body


def test_it_shows_goal_evaluations_to_a_reader_of_the_goals(client, team, approved):
    client.force_login(team["per"])  # meetings and goals, no participants
    body = client.get(
        reverse("coordination:meeting", args=[team["plan"].pk, approved.pk])
    ).content.decode()
    assert GOAL in body and EVALUATION in body
    assert "3 er invitert." in body  # no names: Per has no access to the participants


def test_the_minutes_form_lists_neither_goals_nor_people_to_a_meetings_only_writer(
    client, team, coordinator, owner, meetings_only
):
    meeting = _held_meeting(team, coordinator, owner)
    client.force_login(meetings_only)
    response = client.get(reverse("coordination:minutes_edit", args=[team["plan"].pk, meeting.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert GOAL not in body and "Per Hansen" not in body and "Nina Sykepleier" not in body
    assert f'name="goal_{team["goal"].pk}_status"' not in body
    assert 'name="action_0_responsible"' not in body and 'name="attendees"' not in body


def test_it_refuses_goal_evaluations_and_names_from_a_writer_without_those_sections(
    team, coordinator, owner, meetings_only
):
    meeting = _held_meeting(team, coordinator, owner)
    goal = team["goal"]
    with pytest.raises(PermissionDenied) as error:
        _save(meeting, meetings_only, evaluations={goal.pk: (Goal.Status.ACHIEVED, "")})
    assert error.value.args == (GOALS_NOT_READABLE,)
    with pytest.raises(PermissionDenied):
        _save(meeting, meetings_only, action_points=[{"title": "x", "goal_id": goal.pk}])
    invitee = meeting.invitees.first()
    with pytest.raises(PermissionDenied) as error:
        _save(meeting, meetings_only, attendee_ids=[invitee.pk])
    assert error.value.args == (PEOPLE_NOT_READABLE,)
    point = {"title": "x", "responsible_id": team["per_participant"].pk}
    with pytest.raises(PermissionDenied):
        _save(meeting, meetings_only, action_points=[point])
    assert not hasattr(meeting, "minutes") or meeting.minutes.evaluations.count() == 0


def test_a_posted_goal_status_from_a_meetings_only_writer_changes_no_goal(
    client, team, coordinator, owner, meetings_only
):
    meeting = _held_meeting(team, coordinator, owner)
    goal = team["goal"]
    client.force_login(meetings_only)
    url = reverse("coordination:minutes_edit", args=[team["plan"].pk, meeting.pk])
    response = client.post(url, {f"goal_{goal.pk}_status": Goal.Status.ACHIEVED, "decisions": "Ok"})
    assert response.status_code == 302
    minutes_approve(minutes=meeting.minutes, acting_user=coordinator)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.IN_PROGRESS
    assert meeting.minutes.evaluations.count() == 0


def test_a_meetings_only_writer_keeps_what_readers_of_goals_and_people_wrote(
    team, coordinator, owner, meetings_only
):
    meeting = _held_meeting(team, coordinator, owner)
    per_invitee = meeting.invitees.get(user=team["per"])
    minutes = _save(
        meeting,
        coordinator,
        attendee_ids=[per_invitee.pk],
        evaluations={team["goal"].pk: (Goal.Status.ACHIEVED, EVALUATION)},
        action_points=[
            {
                "title": "Søke",
                "goal_id": team["goal"].pk,
                "responsible_id": team["per_participant"].pk,
            }
        ],
    )
    _save(
        meeting,
        meetings_only,
        expected_version=minutes.version,
        decisions="Endret av Mia",
        action_points=[{"title": "Søke"}, {"title": "Nytt punkt"}],
    )
    minutes.refresh_from_db()
    assert minutes.decisions == "Endret av Mia"
    assert list(minutes.attendees.all()) == [per_invitee]
    assert minutes.evaluations.get().assessment == EVALUATION
    kept = minutes.action_points.get(title="Søke")
    assert (kept.goal_id, kept.responsible_id) == (team["goal"].pk, team["per_participant"].pk)


def test_a_meetings_only_writer_invites_everyone_with_meetings_and_cannot_pick_names(
    client, team, owner, coordinator, meetings_only
):
    client.force_login(meetings_only)
    url = reverse("coordination:meeting_create", args=[team["plan"].pk])
    body = client.get(url).content.decode()
    assert "Per Hansen" not in body and 'name="invitees"' not in body
    with pytest.raises(PermissionDenied):
        meeting_create(
            plan=team["plan"],
            title="Møte",
            duration_minutes=60,
            place="",
            starts_at=timezone.now() + datetime.timedelta(days=3),
            video_link="",
            agenda=[],
            invitee_ids=[coordinator.pk],
            acting_user=meetings_only,
        )
    meeting = meeting_create(
        plan=team["plan"],
        title="Møte",
        duration_minutes=60,
        place="",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        video_link="",
        agenda=[],
        invitee_ids=None,
        acting_user=meetings_only,
    )
    invited = set(MeetingInvitee.objects.filter(meeting=meeting).values_list("user", flat=True))
    assert invited == {owner.pk, coordinator.pk, team["per"].pk, meetings_only.pk}


def test_an_action_point_becomes_a_measure_without_a_name_its_converter_may_not_see(
    team, coordinator, owner, meetings_only
):
    grants_decide(
        plan=team["plan"],
        participant=meetings_only.participations.get(),
        ends_on=SOON,
        acting_user=owner,
        levels={"meetings": "write", "measures": "write", "goals": "read"},
    )
    meeting = _held_meeting(team, coordinator, owner)
    point = {"title": "Søke", "goal_id": team["goal"].pk}
    minutes = _save(
        meeting,
        coordinator,
        action_points=[{**point, "responsible_id": team["per_participant"].pk}],
    )
    minutes_approve(minutes=minutes, acting_user=coordinator)
    measure = action_point_to_measure(
        action_point=minutes.action_points.get(), acting_user=meetings_only
    )
    assert (measure.title, measure.responsible) == ("Søke", None)
