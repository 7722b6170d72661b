"""Messages inside the plan: who can read and write, unread counts, content-free e-mails,
the SMS hook, and a rate limit."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.sms import ConsoleBackend
from consent.models import AccessLogEntry
from coordination.selectors import threads_for, unread_count
from coordination.services.messages import message_post, thread_mark_read, thread_start
from ipplan.ratelimit import RateLimited

SECRET = "SENTINEL-MESSAGE-BODY"


@pytest.fixture
def thread(team, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return thread_start(
            plan=team["plan"], subject="SENTINEL-SUBJECT", body=SECRET, acting_user=coordinator
        )


def test_readers_are_told_there_is_a_new_message_and_nothing_more(thread, owner, team):
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, team["per"].email])
    for message in mail.outbox:
        text = message.subject + message.body
        assert "ny melding" in text.lower()
        for secret in (SECRET, "SENTINEL-SUBJECT", "Kari", owner.first_name, "NAV"):
            assert secret not in text
        assert reverse("coordination:thread", args=[thread.plan_id, thread.pk]) in message.body


def test_nobody_without_the_messages_section_hears_of_it(client, thread, team):
    assert team["nina"].email not in {m.to[0] for m in mail.outbox}
    client.force_login(team["nina"])
    url = reverse("coordination:thread", args=[thread.plan_id, thread.pk])
    assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        message_post(thread=thread, body="Hei", acting_user=team["nina"])


def test_unread_counts_follow_reading(thread, owner, coordinator, team):
    assert unread_count(thread.plan, owner) == 1
    assert unread_count(thread.plan, coordinator) == 0  # the author has read their own
    message_post(thread=thread, body="Et svar", acting_user=team["per"])
    assert threads_for(thread.plan, owner).get().unread == 2
    thread_mark_read(thread=thread, user=owner)
    assert unread_count(thread.plan, owner) == 0


def test_the_unread_count_is_one_count_over_every_thread(
    thread, owner, coordinator, team, django_assert_num_queries
):
    second = thread_start(plan=thread.plan, subject="Nummer to", body="x", acting_user=coordinator)
    message_post(thread=second, body="Svar", acting_user=team["per"])
    thread_mark_read(thread=thread, user=owner)
    message_post(thread=thread, body="Nytt", acting_user=team["per"])
    expected = sum(t.unread for t in threads_for(thread.plan, owner))
    assert expected == 3
    with django_assert_num_queries(1):
        assert unread_count(thread.plan, owner) == expected


def test_one_e_mail_per_reader_until_they_have_read(
    thread, owner, team, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_post(thread=thread, body="Svar 1", acting_user=team["per"])
        message_post(thread=thread, body="Svar 2", acting_user=team["per"])
    assert [m.to[0] for m in mail.outbox].count(owner.email) == 0  # already told, not read yet
    thread_mark_read(thread=thread, user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        message_post(thread=thread, body="Svar 3", acting_user=team["per"])
    assert [m.to[0] for m in mail.outbox].count(owner.email) == 1


def test_the_owner_reads_and_answers_and_it_is_logged(client, thread, owner):
    client.force_login(owner)
    url = reverse("coordination:thread", args=[thread.plan_id, thread.pk])
    assert SECRET in client.get(url).content.decode()
    assert AccessLogEntry.objects.filter(
        actor=owner, section="messages", action="read", object_type="messagethread"
    ).exists()
    client.post(url, {"body": "Takk!"})
    assert thread.messages.count() == 2
    assert client.post(url, {"body": ""}).status_code == 400


def test_sms_goes_only_where_switched_on_and_says_nothing(
    settings, team, coordinator, owner, django_capture_on_commit_callbacks
):
    owner.phone = "41234567"
    owner.save()
    ConsoleBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread_start(plan=team["plan"], subject="x", body=SECRET, acting_user=coordinator)
    assert ConsoleBackend.sent == []
    settings.IPPLAN_SMS_BACKEND = "console"
    with django_capture_on_commit_callbacks(execute=True):
        thread_start(plan=team["plan"], subject="y", body=SECRET, acting_user=coordinator)
    ((number, text),) = ConsoleBackend.sent
    assert number == "41234567" and SECRET not in text and "ipplan" in text


def test_sending_is_rate_limited(team, coordinator):
    thread = thread_start(plan=team["plan"], subject="x", body="1", acting_user=coordinator)
    for n in range(29):  # 30 in ten minutes, counting the thread's first message
        message_post(thread=thread, body=str(n), acting_user=coordinator)
    with pytest.raises(RateLimited):
        message_post(thread=thread, body="one too many", acting_user=coordinator)
    assert thread.messages.count() == 30


def test_the_owners_home_page_shows_unread_messages_and_the_next_meeting(
    client, thread, owner, coordinator, team
):
    import datetime

    from django.utils import timezone

    from coordination.services.meetings import meeting_create

    meeting_create(
        plan=team["plan"],
        title="Møte",
        place="",
        video_link="",
        agenda=[],
        starts_at=timezone.now() + datetime.timedelta(days=5),
        duration_minutes=60,
        invitee_ids=[owner.pk],
        acting_user=coordinator,
    )
    client.force_login(owner)
    page = client.get(reverse("home")).content.decode()
    assert "1 ulest melding" in page and "Neste møte" in page
