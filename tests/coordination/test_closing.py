"""Issue 11 §5: withdrawing consent or closing a plan cancels the meetings still to come (the
invitees get a cancellation with its calendar file) and stops their reminders."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from consent.selectors import grants_expiring_within
from coordination.models import Meeting
from coordination.services.meetings import meeting_create
from coordination.services.reminders import remind_expiring_grants, remind_meetings
from plans.models import Plan, PlanChange
from plans.services.lifecycle import plan_close, plan_consent_withdraw

pytestmark = pytest.mark.django_db


def make_meeting(team, coordinator, owner, starts_at, title):
    return meeting_create(
        plan=team["plan"],
        title=title,
        duration_minutes=60,
        place="Rådhuset",
        starts_at=starts_at,
        video_link="",
        agenda=["Status"],
        invitee_ids=[owner.pk, team["per"].pk, coordinator.pk],
        acting_user=coordinator,
    )


@pytest.fixture
def meetings(team, coordinator, owner, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        coming = make_meeting(team, coordinator, owner, now + datetime.timedelta(hours=20), "Neste")
        held = make_meeting(team, coordinator, owner, now + datetime.timedelta(hours=1), "Holdt")
    # The second meeting has taken place by the time the plan closes.
    Meeting.objects.filter(pk=held.pk).update(starts_at=now - datetime.timedelta(days=2))
    mail.outbox.clear()
    return coming, held


def cancellations():
    found = {}
    for message in mail.outbox:
        for _name, content, _mimetype in message.attachments:
            calendar = icalendar.Calendar.from_ical(content)
            if calendar["method"] == "CANCEL":
                found.setdefault(message.to[0], []).append(calendar)
    return found


def close(how, plan, owner, coordinator):
    if how == "withdrawn":
        plan_consent_withdraw(plan=plan, acting_user=owner)
    else:
        plan_close(
            plan=plan, reason=Plan.ClosingReason.NEED_ENDED, note="", acting_user=coordinator
        )


@pytest.mark.parametrize("how", ["withdrawn", "closed"])
def test_closing_cancels_the_meetings_to_come_and_tells_the_invitees(
    how, team, meetings, owner, coordinator, django_capture_on_commit_callbacks
):
    coming, held = meetings
    with django_capture_on_commit_callbacks(execute=True):
        close(how, team["plan"], owner, coordinator)
    coming.refresh_from_db()
    held.refresh_from_db()
    assert coming.is_cancelled and coming.sequence == 1
    assert not held.is_cancelled  # what took place stays as it was
    told = cancellations()
    closer = owner if how == "withdrawn" else coordinator
    others = {owner.email, coordinator.email, team["per"].email} - {closer.email}
    assert set(told) == others  # everyone invited but the person who closed the plan
    for calendars in told.values():
        (event,) = calendars[0].walk("VEVENT")
        assert (
            event["status"] == "CANCELLED" and str(event["uid"]) == f"meeting-{coming.uid}@ipplan"
        )
    assert PlanChange.objects.filter(
        plan=team["plan"], message="Møtet ble avlyst fordi planen ble avsluttet: %(title)s"
    ).exists()


def test_no_reminder_for_a_meeting_of_a_closed_plan(
    team, meetings, owner, coordinator, django_capture_on_commit_callbacks
):
    coming, _held = meetings
    with django_capture_on_commit_callbacks(execute=True):
        close("closed", team["plan"], owner, coordinator)
    # A meeting left scheduled on a closed plan (closed before cancelling existed) is not reminded.
    Meeting.objects.filter(pk=coming.pk).update(status=Meeting.Status.SCHEDULED)
    assert remind_meetings() == 0


def test_a_meeting_of_an_open_plan_is_still_reminded(team, meetings):
    assert remind_meetings() == 3  # the control: the same meeting, plan open


def test_no_expiry_reminder_for_grants_of_a_closed_plan(team, owner, coordinator):
    soon = timezone.now() + datetime.timedelta(days=70)  # team's grants end in 60 days
    assert grants_expiring_within(now=soon - datetime.timedelta(days=12)).exists()
    plan_close(
        plan=team["plan"], reason=Plan.ClosingReason.NEED_ENDED, note="", acting_user=coordinator
    )
    assert remind_expiring_grants(now=soon - datetime.timedelta(days=12)) == 0
