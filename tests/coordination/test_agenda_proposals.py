"""Issue 12 §1 (in part): the plan owner proposes items for a meeting's agenda; the organiser
is told and sees who proposed them; nobody else can, and not once the meeting has started."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coordination.models import AgendaItem, Meeting
from coordination.services.meetings import meeting_create, meeting_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(team, coordinator, owner):
    return meeting_create(
        plan=team["plan"],
        title="Evaluering",
        duration_minutes=60,
        place="Rådhuset",
        starts_at=timezone.now() + datetime.timedelta(days=5),
        video_link="",
        agenda=["Status for målene"],
        invitee_ids=[owner.pk, team["per"].pk, coordinator.pk],
        acting_user=coordinator,
    )


def propose(client, team, meeting, title):
    url = reverse("coordination:agenda_propose", args=[team["plan"].pk, meeting.pk])
    return client.post(url, {"title": title}, follow=True)


def test_the_owner_proposes_an_item_and_the_organiser_is_told(
    client, team, meeting, owner, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    page = client.get(reverse("coordination:meeting", args=[team["plan"].pk, meeting.pk]))
    assert "Foreslå saken" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = propose(client, team, meeting, "  Hjelp   om morgenen ")
    assert "Saken er lagt til" in answer.content.decode()
    item = AgendaItem.objects.get(meeting=meeting, proposed_by=owner)
    assert item.title == "Hjelp om morgenen" and item.position == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Hjelp om morgenen" not in mail.outbox[0].body  # a link, never content
    client.force_login(coordinator)
    page = client.get(reverse("coordination:meeting", args=[team["plan"].pk, meeting.pk]))
    assert "(foreslått av planeier)" in page.content.decode()


def test_the_proposal_survives_the_organiser_editing_the_meeting(
    team, meeting, owner, coordinator, client
):
    client.force_login(owner)
    propose(client, team, meeting, "Hjelp om morgenen")
    meeting.refresh_from_db()
    meeting_update(
        meeting=meeting,
        expected_version=meeting.version,
        title="Evaluering av planen",
        starts_at=meeting.starts_at,
        duration_minutes=60,
        place="Rådhuset",
        video_link="",
        agenda=["Hjelp om morgenen", "Status for målene"],
        invitee_ids=[owner.pk, team["per"].pk, coordinator.pk],
        acting_user=coordinator,
    )
    assert AgendaItem.objects.get(meeting=meeting, position=0).proposed_by == owner


def test_others_cannot_propose_and_bad_input_changes_nothing(
    client, team, meeting, owner, coordinator
):
    for someone in (team["per"], coordinator):
        client.force_login(someone)
        answer = propose(client, team, meeting, "Noe annet")
        assert "Bare planeier" in answer.content.decode() or answer.status_code == 403
    client.force_login(owner)
    assert "Skriv saken du vil ta opp" in propose(client, team, meeting, "   ").content.decode()
    assert "høyst 300 tegn" in propose(client, team, meeting, "x" * 301).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    assert "allerede startet" in propose(client, team, meeting, "For sent").content.decode()
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Status for målene"]
    nina = team["nina"]  # may not read the meetings at all
    client.force_login(nina)
    url = reverse("coordination:agenda_propose", args=[team["plan"].pk, meeting.pk])
    assert client.post(url, {"title": "x"}).status_code == 404
