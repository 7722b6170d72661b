"""Issue 12 §1 (in part): a cooperation meeting can include anyone the owner let into the
plan. An invitee without the meetings section sees that meeting's notice and nothing more:
not its minutes, not the plan's other meetings; everyone else still gets 404."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consent.models import AccessLogEntry
from coordination.models import Meeting, MeetingInvitee, Minutes
from coordination.services.meetings import meeting_create

pytestmark = pytest.mark.django_db


def create(team, coordinator, owner, invitees, title):
    return meeting_create(
        plan=team["plan"],
        title=title,
        duration_minutes=60,
        place="NAV Fjordvik",
        starts_at=timezone.now() + datetime.timedelta(days=4),
        video_link="",
        agenda=["Arbeidsutprøving"],
        invitee_ids=[p.pk for p in invitees],
        acting_user=coordinator,
    )


@pytest.fixture
def meetings(team, coordinator, owner, django_capture_on_commit_callbacks):
    """Nina (measures only) is invited to the job meeting, not to the other one."""
    with django_capture_on_commit_callbacks(execute=True):
        job = create(team, coordinator, owner, [owner, coordinator, team["nina"]], "Om jobb")
        other = create(team, coordinator, owner, [owner, coordinator], "Annet møte")
    Minutes.objects.create(meeting=job, written_by=coordinator, decisions="SENTINEL-DECISION")
    return job, other


def url(name, plan, meeting=None):
    return reverse(f"coordination:{name}", args=[plan.pk] + ([meeting.pk] if meeting else []))


def test_the_invitee_is_told_and_sees_the_notice_only(client, team, meetings):
    job, _other = meetings
    nina, plan = team["nina"], team["plan"]
    assert [nina.email] in [m.to for m in mail.outbox]
    client.force_login(nina)
    page = client.get(url("meeting", plan, job))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Om jobb" in text and "NAV Fjordvik" in text and "Arbeidsutprøving" in text
    assert "Kommer du?" in text
    assert "SENTINEL-DECISION" not in text and "Referat" not in text.split("Kommer du?")[0]
    assert "Du er invitert til dette møtet og ser innkallingen" in text
    entry = AccessLogEntry.objects.filter(plan=plan, actor=nina).latest("at")
    assert "meetings" in entry.sections  # the owner sees that Nina read the notice


def test_the_invitee_answers_and_downloads_the_calendar_file(client, team, meetings):
    job, _other = meetings
    nina, plan = team["nina"], team["plan"]
    client.force_login(nina)
    page = client.get(url("meeting", plan, job)).content.decode()
    assert "Legg møtet i kalenderen din</a>" in page and "(.ics)" not in page
    client.post(url("meeting_respond", plan, job), {"answer": "attending"})
    assert MeetingInvitee.objects.get(meeting=job, user=nina).response == "attending"
    ics = client.get(url("meeting_calendar", plan, job))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")


def test_nothing_else_opens_for_the_invitee(client, team, meetings):
    job, other = meetings
    nina, plan = team["nina"], team["plan"]
    client.force_login(nina)
    for address in (
        url("meeting", plan, other),
        url("meetings", plan),
        url("minutes_edit", plan, job),
        url("meeting_edit", plan, job),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url("meeting_cancel", plan, job)).status_code == 404
    assert client.post(url("agenda_propose", plan, job), {"title": "x"}).status_code == 404
    job.refresh_from_db()
    assert not job.is_cancelled and job.agenda.count() == 1


def test_someone_not_invited_or_without_the_plan_gets_404(client, team, meetings, stranger):
    job, _other = meetings
    plan = team["plan"]
    MeetingInvitee.objects.filter(meeting=job, user=team["nina"]).delete()
    for user in (team["nina"], stranger):
        client.force_login(user)
        assert client.get(url("meeting", plan, job)).status_code == 404
        assert client.get(url("meeting_calendar", plan, job)).status_code == 404
        client.post(url("meeting_respond", plan, job), {"answer": "attending"})
    assert not MeetingInvitee.objects.filter(meeting=job, user__in=[team["nina"], stranger])
    assert Meeting.objects.get(pk=job.pk).title == "Om jobb"


def test_the_invitee_finds_the_meeting_on_the_home_page_without_its_content(client, team, meetings):
    job, other = meetings
    client.force_login(team["nina"])
    page = client.get(reverse("home")).content.decode()
    assert url("meeting", team["plan"], job) in page
    assert url("meeting", team["plan"], other) not in page
    assert "Om jobb" not in page and "NAV Fjordvik" not in page
    assert "Møter du er invitert til" in page
