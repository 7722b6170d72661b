"""Meetings: invitations with a calendar file, answers, changes and cancellation, reminders,
minutes with goal evaluations, approval and action points that become measures."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from consent.models import AccessLogEntry
from coordination.models import Meeting, MeetingInvitee, Minutes
from coordination.selectors import invitable_people
from coordination.services.meetings import (
    NOT_INVITABLE,
    meeting_cancel,
    meeting_create,
    meeting_respond,
    meeting_update,
)
from coordination.services.minutes import (
    MINUTES_LOCKED,
    action_point_to_measure,
    minutes_approve,
    minutes_save,
)
from coordination.services.reminders import remind_meetings
from plans.models import Goal, Measure

SECRET_TITLE = "SENTINEL-MEETING-TITLE"
SECRET_PLACE = "SENTINEL-PLACE-BUP"


def calendar_of(message) -> icalendar.Calendar:
    ((name, content, mimetype),) = message.attachments
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def event_of(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


@pytest.fixture
def meeting(team, coordinator, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = meeting_create(
            plan=team["plan"],
            title=SECRET_TITLE,
            duration_minutes=90,
            place=SECRET_PLACE,
            starts_at=timezone.now() + datetime.timedelta(days=3),
            video_link="",
            agenda=["Status for målene", "Veien videre"],
            invitee_ids=[owner.pk, team["per"].pk, coordinator.pk],
            acting_user=coordinator,
        )
    return created


def test_anyone_who_may_open_the_plan_can_be_invited_and_nobody_else(
    team, owner, coordinator, stranger
):
    people = {p.user.pk for p in invitable_people(team["plan"])}
    # Nina may read only the measures: she can still be asked to a cooperation meeting.
    assert people == {owner.pk, coordinator.pk, team["per"].pk, team["nina"].pk}
    with pytest.raises(ValidationError) as error:
        meeting_create(
            plan=team["plan"],
            title="x",
            place="",
            video_link="",
            agenda=[],
            starts_at=timezone.now() + datetime.timedelta(days=1),
            duration_minutes=60,
            invitee_ids=[stranger.pk],
            acting_user=coordinator,
        )
    assert NOT_INVITABLE in error.value.message_dict["invitees"]


def test_invitees_get_an_e_mail_with_a_valid_calendar_file_and_no_content(meeting, owner, team):
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, team["per"].email])
    for message in mail.outbox:
        event = event_of(calendar_of(message))
        assert str(event["uid"]) == f"meeting-{meeting.uid}@ipplan"
        assert event["sequence"] == 0
        assert event.decoded("dtstart") == meeting.starts_at
        assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(minutes=90)
        raw = message.body + message.subject + message.attachments[0][1]
        for secret in (SECRET_TITLE, SECRET_PLACE, "Status for målene", owner.first_name):
            assert secret not in raw


def test_a_change_keeps_the_uid_and_raises_the_sequence(
    meeting, coordinator, owner, team, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    meeting_respond(meeting=meeting, attending=True, acting_user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(
            meeting=meeting,
            expected_version=meeting.version,
            title="Nytt",
            place="",
            video_link="",
            agenda=[],
            duration_minutes=60,
            starts_at=meeting.starts_at + datetime.timedelta(hours=2),
            invitee_ids=[owner.pk, team["per"].pk, coordinator.pk],
            acting_user=coordinator,
        )
    events = [event_of(calendar_of(m)) for m in mail.outbox]
    assert {str(e["uid"]) for e in events} == {f"meeting-{meeting.uid}@ipplan"}
    assert {e["sequence"] for e in events} == {1}
    assert MeetingInvitee.objects.get(meeting=meeting, user=owner).response == "pending"


def test_cancelling_sends_method_cancel(meeting, coordinator, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, acting_user=coordinator)
    calendars = [calendar_of(m) for m in mail.outbox]
    assert calendars and all(c["method"] == "CANCEL" for c in calendars)
    assert all(
        event_of(c)["status"] == "CANCELLED" and event_of(c)["sequence"] == 1 for c in calendars
    )
    assert Meeting.objects.get(pk=meeting.pk).is_cancelled


def test_an_invitee_answers_and_others_cannot(meeting, owner, team):
    assert (
        meeting_respond(meeting=meeting, attending=True, acting_user=owner).response == "attending"
    )
    with pytest.raises(PermissionDenied):
        meeting_respond(meeting=meeting, attending=True, acting_user=team["nina"])


def test_a_reminder_goes_once_to_those_who_have_not_declined(
    meeting, owner, team, django_capture_on_commit_callbacks
):
    meeting_respond(meeting=meeting, attending=False, acting_user=team["per"])
    mail.outbox.clear()
    day_before = meeting.starts_at - datetime.timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_meetings(now=meeting.starts_at - datetime.timedelta(hours=30)) == 0
        assert remind_meetings(now=day_before) == 2  # Ingrid and Kari, not Per
        assert remind_meetings(now=day_before) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, meeting.created_by.email])


def test_minutes_evaluate_goals_and_lock_when_approved(team, coordinator, meeting, owner):
    meeting.starts_at = timezone.now() - datetime.timedelta(minutes=30)
    meeting.save()
    goal = team["goal"]
    owner_invitee = meeting.invitees.get(user=owner)
    minutes = minutes_save(
        meeting=meeting,
        expected_version=None,
        attendee_ids=[owner_invitee.pk],
        other_attendees="",
        decisions="Vi fortsetter",
        agenda_notes={meeting.agenda.first().pk: "Går fint"},
        evaluations={goal.pk: (Goal.Status.ACHIEVED, "Klarer det nå")},
        action_points=[
            {
                "title": "Søke om rullator",
                "goal_id": goal.pk,
                "responsible_id": team["per_participant"].pk,
                "deadline": timezone.localdate() + datetime.timedelta(days=14),
            }
        ],
        acting_user=coordinator,
    )
    assert minutes.status == Minutes.Status.DRAFT
    minutes_approve(minutes=minutes, acting_user=coordinator)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    with pytest.raises(ValidationError) as error:
        minutes_save(
            meeting=meeting,
            expected_version=minutes.version,
            attendee_ids=[],
            other_attendees="",
            decisions="Endret",
            agenda_notes={},
            evaluations={},
            action_points=[],
            acting_user=coordinator,
        )
    assert str(MINUTES_LOCKED) in error.value.messages
    measure = action_point_to_measure(
        action_point=minutes.action_points.get(), acting_user=coordinator
    )
    assert (measure.title, measure.goal, measure.responsible) == (
        "Søke om rullator",
        goal,
        team["per_participant"],
    )
    assert Measure.objects.filter(plan=team["plan"]).count() == 1


def test_only_the_coordinator_approves(team, meeting):
    meeting.starts_at = timezone.now()
    meeting.save()
    minutes = minutes_save(
        meeting=meeting,
        expected_version=None,
        attendee_ids=[],
        other_attendees="",
        decisions="",
        agenda_notes={},
        evaluations={},
        action_points=[],
        acting_user=team["per"],
    )
    with pytest.raises(PermissionDenied):
        minutes_approve(minutes=minutes, acting_user=team["per"])


def test_the_owner_sees_minutes_only_once_approved(client, team, coordinator, meeting, owner):
    meeting.starts_at = timezone.now()
    meeting.save()
    minutes = minutes_save(
        meeting=meeting,
        expected_version=None,
        attendee_ids=[],
        other_attendees="",
        decisions="SENTINEL-DECISION",
        agenda_notes={},
        evaluations={},
        action_points=[],
        acting_user=coordinator,
    )
    url = reverse("coordination:meeting", args=[team["plan"].pk, meeting.pk])
    client.force_login(owner)
    assert "SENTINEL-DECISION" not in client.get(url).content.decode()
    minutes_approve(minutes=minutes, acting_user=coordinator)
    assert "SENTINEL-DECISION" in client.get(url).content.decode()
    assert (
        AccessLogEntry.objects.filter(
            actor=owner, action="read", section="meetings", object_type="meeting"
        ).count()
        == 2
    )


def test_someone_without_the_meetings_section_sees_no_meeting(client, team, meeting):
    client.force_login(team["nina"])
    plan = team["plan"]
    assert client.get(reverse("coordination:meetings", args=[plan.pk])).status_code == 404
    assert (
        client.get(reverse("coordination:meeting", args=[plan.pk, meeting.pk])).status_code == 404
    )
    assert SECRET_TITLE not in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert team["nina"].email not in {m.to[0] for m in mail.outbox}


def test_scheduling_through_the_form(client, team, coordinator, owner):
    client.force_login(coordinator)
    when = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("coordination:meeting_create", args=[team["plan"].pk]),
        {
            "title": "Oppstartsmøte",
            "date": when.isoformat(),
            "time": "10:30",
            "duration_minutes": "60",
            "place": "",
            "video_link": "",
            "agenda": "Mål\nTiltak\n\n",
            "invitees": [owner.pk, coordinator.pk],
        },
    )
    meeting = Meeting.objects.get(title="Oppstartsmøte")
    assert response.status_code == 302
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "10:30"
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Mål", "Tiltak"]


def test_a_meeting_in_the_past_is_refused_in_the_form(client, team, coordinator, owner):
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:meeting_create", args=[team["plan"].pk]),
        {
            "title": "Møte",
            "date": "2020-01-01",
            "time": "10:00",
            "duration_minutes": "60",
            "invitees": [owner.pk],
        },
    )
    assert response.status_code == 400
    assert "fram i tid" in response.content.decode()
    assert not Meeting.objects.exists()
