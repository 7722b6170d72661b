"""Invitations by e-mail (single use, expiring, no password by e-mail), local accounts with
MFA, and one-time set-up codes for children."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountSetupCode, OutboxMessage, User
from accounts.services import SETUP_CODE_INVALID, setup_code_create, setup_code_redeem
from consent.models import Invitation
from consent.services import invitation_send
from plans.services.participants import participant_add
from tests.factories import UserFactory


@pytest.fixture
def invited(plan, coordinator, django_capture_on_commit_callbacks):
    participant = participant_add(
        plan=plan, name="Bestefar Arne", role="relative", acting_user=coordinator
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(
            plan=plan, participant=participant, email="arne@example.org", acting_user=coordinator
        )
    link = re.search(r"https?://\S+/invitasjon/(\S+)/", mail.outbox[0].body)
    participant.token = link.group(1)
    return participant


def test_the_invitation_e_mail_has_a_link_and_nothing_else(invited, plan):
    message = mail.outbox[0]
    assert message.to == ["arne@example.org"]
    for private in (plan.owner.first_name, plan.owner.last_name, "Bestefar", "passord"):
        assert private not in message.body
    assert invited.token not in Invitation.objects.get().token_digest  # only a hash is kept
    assert OutboxMessage.objects.get(kind="invitation").link == ""  # blanked once sent


def test_a_logged_in_person_accepts_and_becomes_the_participant(client, invited):
    arne = UserFactory(username="arne")
    client.force_login(arne)
    url = reverse("consent:invitation", args=[invited.token])
    assert "invitert deg til å delta" in client.get(url).content.decode()
    client.post(url)
    invited.refresh_from_db()
    assert invited.user == arne
    assert client.get(url).status_code == 404  # single use


def test_an_expired_invitation_does_not_work(client, invited):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        response = client.get(reverse("consent:invitation", args=[invited.token]))
        assert response.status_code == 404
        assert "Invitasjonen virker ikke" in response.content.decode()


def test_someone_without_a_login_creates_one_with_mfa_required(client, invited):
    url = reverse("consent:invitation_signup", args=[invited.token])
    response = client.post(
        url,
        {
            "first_name": "Arne",
            "last_name": "Berg",
            "username": "arne",
            "password1": "bestefar-er-best-123",
            "password2": "bestefar-er-best-123",
        },
    )
    assert response["Location"] == reverse("accounts:mfa_required")
    arne = User.objects.get(username="arne")
    assert arne.mfa_required and arne.email == "arne@example.org"
    invited.refresh_from_db()
    assert invited.user == arne
    assert client.get(reverse("home"))["Location"] == reverse("accounts:mfa_required")


def test_a_weak_password_is_refused_and_nothing_is_created(client, invited):
    url = reverse("consent:invitation_signup", args=[invited.token])
    response = client.post(
        url,
        {
            "first_name": "A",
            "last_name": "B",
            "username": "arne",
            "password1": "kort",
            "password2": "kort",
        },
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="arne").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_child_sets_up_a_login_with_a_code_from_the_coordinator(client, child, coordinator):
    code = setup_code_create(user=child, acting_user=coordinator)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert code.replace("-", "") not in AccountSetupCode.objects.get().code_digest
    response = client.post(
        reverse("accounts:activate"),
        {
            "username": child.username,
            "code": code.lower(),
            "password1": "hester-er-fine-2026",
            "password2": "hester-er-fine-2026",
        },
    )
    assert response["Location"] == reverse("accounts:mfa_required")
    child.refresh_from_db()
    assert child.check_password("hester-er-fine-2026") and child.mfa_required
    assert client.session[SESSION_KEY] == str(child.pk)
    with pytest.raises(Exception, match=str(SETUP_CODE_INVALID)[:20]):
        setup_code_redeem(username=child.username, code=code, password="annet-passord-123")


def test_guessing_codes_stops_after_five_attempts(child, coordinator):
    code = setup_code_create(user=child, acting_user=coordinator)
    for _ in range(5):
        with pytest.raises(Exception, match=str(SETUP_CODE_INVALID)[:20]):
            setup_code_redeem(
                username=child.username, code="AAAA-AAAA-AAAA", password="hester-er-fine-2026"
            )
    with pytest.raises(Exception, match=str(SETUP_CODE_INVALID)[:20]):
        setup_code_redeem(username=child.username, code=code, password="hester-er-fine-2026")


def test_the_coordinator_page_shows_the_code_once(client, coordinator, child_plan):
    client.force_login(coordinator)
    url = reverse("consent:owner_account", args=[child_plan.pk])
    assert "Engangskode:" not in client.get(url).content.decode()
    assert "Engangskode:" in client.post(url).content.decode()
