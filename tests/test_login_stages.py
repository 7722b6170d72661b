"""No login skips a stage: set-up codes and invitations log in through allauth's login flow, and
the MFA requirement asks whether this session used the second factor, not just whether the
account has one."""

from __future__ import annotations

import re

import pytest
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from accounts.login_flow import login_through_stages
from accounts.middleware import MFA_PENDING_URL_NAMES
from accounts.models import User
from accounts.services import setup_code_create
from consent.services import invitation_send
from plans.services.participants import participant_add
from tests.conftest import totp_code
from tests.factories import PASSWORD, staff, with_totp

NEW_PASSWORD = "hester-er-fine-2026"


def _methods(client, user):
    request = RequestFactory().get("/")
    request.session = client.session
    return [record["method"] for record in get_authentication_records(request, user)]


def _reauthenticate_url(path):
    return f"{reverse('mfa_reauthenticate')}?next={path.replace('/', '%2F')}"


# --- the session must have used the second factor --------------------------------------------


def test_a_staff_session_without_the_mfa_record_gets_no_plan_or_case_data(
    client, coordinator, plan
):
    client.force_login(coordinator, mfa=False)
    for path in (
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:coordinator_list"),
        reverse("casework:case_queue"),
        reverse("home"),
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == _reauthenticate_url(path)


def test_giving_the_second_factor_in_the_session_lets_staff_in(client, municipality, plan):
    user = staff("coordinator", municipality, mfa=False, username="kari2")
    secret = with_totp(user)
    plan.coordinator = user
    plan.save()
    client.force_login(user, mfa=False)
    path = reverse("plans:detail", args=[plan.pk])
    response = client.post(_reauthenticate_url(path), {"code": totp_code(secret)})
    assert response["Location"] == path
    assert "mfa" in _methods(client, user)
    assert client.get(path).status_code == 200


def test_a_local_account_with_totp_needs_it_in_the_session_too(client, child, child_plan):
    child.mfa_required = True
    child.save()
    with_totp(child)
    client.force_login(child, mfa=False)
    path = reverse("plans:detail", args=[child_plan.pk])
    assert client.get(path)["Location"] == _reauthenticate_url(path)
    client.force_login(child)
    assert client.get(path).status_code == 200


def test_a_session_without_the_second_factor_cannot_make_itself_one(client, coordinator):
    """New recovery codes or a new key, made with the password alone, would be a second
    factor made from the first."""
    client.force_login(coordinator, mfa=False)
    for name in (
        "mfa_generate_recovery_codes",
        "mfa_view_recovery_codes",
        "mfa_add_webauthn",
        "mfa_index",
    ):
        path = reverse(name)
        assert client.get(path)["Location"] == _reauthenticate_url(path), name
    assert "mfa_reauthenticate" in MFA_PENDING_URL_NAMES


@pytest.mark.django_db(transaction=True)  # allauth announces a new authenticator on commit
def test_a_staff_member_who_enrols_totp_in_this_session_gets_in(client, municipality):
    """The second factor is proven when it is set up (allauth asks for a code)."""
    user = staff("coordinator", municipality, mfa=False, username="nykari")
    client.post("/konto/login/", {"login": "nykari", "password": PASSWORD})
    assert client.get(reverse("home"))["Location"] == reverse("accounts:mfa_required")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]  # shown to the person as a QR code
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert "mfa" in _methods(client, user)
    assert client.get(reverse("plans:coordinator_list")).status_code == 200


# --- a set-up code logs in through the stages --------------------------------------------------


def test_redeeming_a_code_logs_in_through_allauths_stages(client, child, coordinator, child_plan):
    code = setup_code_create(user=child, acting_user=coordinator)
    response = client.post(
        reverse("accounts:activate"),
        {
            "username": child.username,
            "code": code,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("accounts:mfa_required")
    assert client.session[SESSION_KEY] == str(child.pk)
    assert _methods(client, child) == ["setup_code"]
    # A local account: nothing before the second factor is set up.
    path = reverse("plans:detail", args=[child_plan.pk])
    assert client.get(path)["Location"] == reverse("accounts:mfa_required")


def _anonymous_request():
    request = RequestFactory().post("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    return request


def test_the_login_after_a_code_asks_for_totp_when_the_account_has_it(client, child, child_plan):
    """Should an account with a second factor ever reach the end of a code or an invitation,
    the login stops at the TOTP step: no page before the code is given."""
    child.mfa_required = True
    child.save()
    secret = with_totp(child)
    request = _anonymous_request()
    with context.request_context(request):  # as allauth's middleware does
        response = login_through_stages(request, child, method="setup_code", redirect_url="/")
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in request.session
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    path = reverse("plans:detail", args=[child_plan.pk])
    assert client.get(path)["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.session[SESSION_KEY] == str(child.pk)
    assert _methods(client, child) == ["setup_code", "mfa"]
    assert client.get(path).status_code == 200


# --- an invitation signup runs the same stages -----------------------------------------------


def test_an_invitation_signup_logs_in_through_the_same_stages(
    client, plan, coordinator, django_capture_on_commit_callbacks
):
    participant = participant_add(
        plan=plan, name="Bestefar Arne", role="relative", acting_user=coordinator
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(
            plan=plan, participant=participant, email="arne@example.org", acting_user=coordinator
        )
    token = re.search(r"/invitasjon/(\S+)/", mail.outbox[0].body).group(1)
    response = client.post(
        reverse("consent:invitation_signup", args=[token]),
        {
            "first_name": "Arne",
            "last_name": "Berg",
            "username": "arne",
            "password1": "bestefar-er-best-123",
            "password2": "bestefar-er-best-123",
        },
    )
    arne = User.objects.get(username="arne")
    assert response["Location"] == reverse("accounts:mfa_required")
    assert client.session[SESSION_KEY] == str(arne.pk)
    assert _methods(client, arne) == ["invitation"]
    path = reverse("plans:detail", args=[plan.pk])
    assert client.get(path)["Location"] == reverse("accounts:mfa_required")
