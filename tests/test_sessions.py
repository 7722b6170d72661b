"""Idle timeout, absolute lifetime, logout and deactivation end the server-side session."""

import datetime

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import user_deactivate
from tests.factories import PASSWORD

START = datetime.datetime(2026, 11, 24, 8, 0, tzinfo=datetime.UTC)


def _login(client, user):
    return client.post("/konto/login/", {"login": user.username, "password": PASSWORD})


def test_idle_timeout_is_thirty_minutes_and_renewed_by_activity(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Renewed by session_touch_middleware at most once a minute, not on every request.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_TOUCH_SECONDS == 60


def _session_writes(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def test_a_request_within_the_minute_writes_no_session_row(client, owner):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client, owner)
        client.get(reverse("home"))
        traveller.shift(datetime.timedelta(seconds=30))
        assert _session_writes(client, reverse("home")) == []
        traveller.shift(datetime.timedelta(seconds=29))
        assert _session_writes(client, reverse("home")) == []


def test_a_request_after_a_minute_writes_the_session_and_moves_its_expiry(client, owner):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client, owner)
        client.get(reverse("home"))
        key = client.session.session_key
        traveller.shift(datetime.timedelta(seconds=61))
        assert len(_session_writes(client, reverse("home"))) == 1
        expiry = Session.objects.get(session_key=key).expire_date
        assert expiry == START + datetime.timedelta(seconds=61, minutes=30)


def test_requests_every_fifty_seconds_keep_the_session_alive(client, owner):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client, owner)
        for _ in range(60):  # 50 minutes, never a minute apart
            traveller.shift(datetime.timedelta(seconds=50))
            assert client.get(reverse("home")).status_code == 200


def test_idle_for_thirty_minutes_after_an_untouched_request_still_logs_out(client, owner):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client, owner)
        client.get(reverse("home"))
        traveller.shift(datetime.timedelta(seconds=40))
        client.get(reverse("home"))  # within the minute: not written
        # 30 minutes after the last write the session is over, at most a minute early.
        traveller.shift(datetime.timedelta(minutes=29, seconds=21))
        assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_an_anonymous_visit_creates_no_session_row(client):
    client.get(reverse("account_login"))
    assert not Session.objects.exists()


def test_a_session_idle_for_more_than_thirty_minutes_is_over(client, owner):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client, owner)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        assert client.get(reverse("home")).status_code == 302


def test_an_active_session_still_ends_after_twelve_hours(client, owner):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client, owner)
        for _ in range(12 * 3):  # a request every 20 minutes keeps it from idling out
            traveller.shift(datetime.timedelta(minutes=20))
            response = client.get(reverse("home"))
        assert response.status_code == 200
        traveller.shift(datetime.timedelta(minutes=20))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert SESSION_KEY not in client.session


def test_logout_deletes_the_server_side_session(client, owner):
    _login(client, owner)
    key = client.session.session_key
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_deactivating_a_user_ends_their_open_sessions_at_once(client, owner, administrator):
    _login(client, owner)
    key = client.session.session_key
    assert UserSession.objects.filter(user=owner).exists()
    user_deactivate(user=owner, acting_user=administrator)
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_cookies_are_http_only_and_same_site_lax(client, owner):
    response = _login(client, owner)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_sessions_page_lists_the_open_sessions(client, owner, coordinator):
    for user in (owner, coordinator):
        client.force_login(user)
        response = client.get(reverse("usersessions_list"))
        assert response.status_code == 200
        assert "<table" in response.content.decode()
