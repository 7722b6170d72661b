"""Issue 12 §1 (in part): a meeting is answered, moved and cancelled only before it starts;
minutes are offered from an hour before it, not before; who called the meeting attends."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coordination.models import Meeting, MeetingInvitee, Minutes
from coordination.services.meetings import (
    MEETING_HELD,
    meeting_cancel,
    meeting_create,
    meeting_respond,
    meeting_update,
)
from coordination.services.minutes import minutes_save

pytestmark = pytest.mark.django_db


def call(team, coordinator, owner, *, starts_in):
    meeting = meeting_create(
        plan=team["plan"],
        title="Samarbeidsmøte om jobb",
        duration_minutes=60,
        place="NAV Fjordvik",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        video_link="",
        agenda=["Arbeidsutprøving"],
        invitee_ids=[owner.pk, team["per"].pk, coordinator.pk],
        acting_user=coordinator,
    )
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + starts_in)
    meeting.refresh_from_db()
    return meeting


def test_who_called_the_meeting_counts_as_attending(team, coordinator, owner):
    meeting = call(team, coordinator, owner, starts_in=datetime.timedelta(days=2))
    answers = dict(meeting.invitees.values_list("user_id", "response"))
    assert answers[coordinator.pk] == MeetingInvitee.Response.ATTENDING
    assert answers[owner.pk] == answers[team["per"].pk] == MeetingInvitee.Response.PENDING


def test_a_meeting_that_has_started_is_not_answered_moved_or_cancelled(
    client, team, coordinator, owner
):
    meeting = call(team, coordinator, owner, starts_in=-datetime.timedelta(minutes=20))
    with pytest.raises(ValidationError) as refused:
        meeting_respond(meeting=meeting, attending=True, acting_user=owner)
    assert refused.value.messages == [str(MEETING_HELD)]
    with pytest.raises(ValidationError):
        meeting_cancel(meeting=meeting, acting_user=coordinator)
    with pytest.raises(ValidationError):
        meeting_update(
            meeting=meeting,
            expected_version=meeting.version,
            title="Flyttet",
            starts_at=timezone.now() + datetime.timedelta(days=1),
            duration_minutes=60,
            place="",
            video_link="",
            agenda=[],
            invitee_ids=None,
            acting_user=coordinator,
        )
    meeting.refresh_from_db()
    assert not meeting.is_cancelled and meeting.title == "Samarbeidsmøte om jobb"
    url = reverse("coordination:meeting", args=[team["plan"].pk, meeting.pk])
    client.force_login(owner)
    assert "Kommer du?" not in client.get(url).content.decode()
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "Endre møtet" not in page and "Avlys møtet" not in page
    assert "Skriv referat" in page  # the minutes are what is left to do
    edit = reverse("coordination:meeting_edit", args=[team["plan"].pk, meeting.pk])
    assert client.get(edit).status_code == 302


def test_minutes_are_offered_only_from_an_hour_before(client, team, coordinator, owner):
    later = call(team, coordinator, owner, starts_in=datetime.timedelta(days=3))
    soon = call(team, coordinator, owner, starts_in=datetime.timedelta(minutes=45))
    client.force_login(coordinator)
    plan = team["plan"]
    page = client.get(reverse("coordination:meeting", args=[plan.pk, later.pk])).content.decode()
    assert "Skriv referat" not in page and "Referat kan skrives fra én time før møtet" in page
    response = client.get(reverse("coordination:minutes_edit", args=[plan.pk, later.pk]))
    assert response.status_code == 302  # told before anything is typed, not after
    with pytest.raises(ValidationError):
        minutes_save(
            meeting=later,
            expected_version=None,
            attendee_ids=[],
            other_attendees="",
            decisions="For tidlig",
            agenda_notes={},
            evaluations={},
            action_points=[],
            acting_user=coordinator,
        )
    assert not Minutes.objects.exists()
    page = client.get(reverse("coordination:meeting", args=[plan.pk, soon.pk])).content.decode()
    assert "Skriv referat" in page
    form = client.get(reverse("coordination:minutes_edit", args=[plan.pk, soon.pk]))
    assert form.status_code == 200
