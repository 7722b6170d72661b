"""Idle timeout, absolute lifetime, logout and deactivation end the server-side session."""

import datetime

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.services import user_deactivate
from tests.factories import PASSWORD

START = datetime.datetime(2026, 11, 24, 8, 0, tzinfo=datetime.UTC)


def _login(client, user):
    return client.post("/konto/login/", {"login": user.username, "password": PASSWORD})


def test_idle_timeout_is_thirty_minutes_and_renewed_by_activity(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


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
