"""One-time set-up codes are made only for people who have no way to log in yet: a child, or an
adult under an exception a case handler approved. Never for an account with a password, an
ID-porten link or a second factor, and a code never replaces one."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AccountSetupCode, SecurityEvent, SetupCodeException
from accounts.services import (
    SETUP_CODE_ADULT_NEEDS_EXCEPTION,
    SETUP_CODE_EXCEPTION_NOT_ALLOWED,
    SETUP_CODE_EXCEPTION_REASON_NEEDED,
    SETUP_CODE_HAS_LOGIN,
    SETUP_CODE_INVALID,
    setup_code_create,
    setup_code_exception_approve,
    setup_code_redeem,
)
from tests.factories import PASSWORD, staff, with_totp

Kind = SecurityEvent.Kind
NEW_PASSWORD = "hester-er-fine-2026"
REASON = "Har ikke BankID og kan ikke få det på grunn av utviklingshemming; verge er søkt."


def _without_password(user):
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _link_idporten(user):
    SocialAccount.objects.create(user=user, provider="idporten", uid=f"sub-{user.pk}")


def _redeem(client, user, code):
    return client.post(
        reverse("accounts:activate"),
        {
            "username": user.username,
            "code": code,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


# --- who may get a code ------------------------------------------------------------------------


def test_it_refuses_the_coordinator_a_code_for_an_adult_with_a_password(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.post(reverse("consent:owner_account", args=[plan.pk]))
    assert response.status_code == 400
    assert str(SETUP_CODE_HAS_LOGIN) in response.content.decode()
    assert "Engangskode:" not in response.content.decode()
    assert not AccountSetupCode.objects.exists()
    assert SecurityEvent.objects.filter(kind=Kind.SETUP_CODE_DENIED, user=plan.owner).exists()


def test_it_refuses_a_code_for_an_account_linked_to_idporten(owner, coordinator):
    _link_idporten(_without_password(owner))
    with pytest.raises(ValidationError, match=str(SETUP_CODE_HAS_LOGIN)[:30]):
        setup_code_create(user=owner, acting_user=coordinator)
    assert not AccountSetupCode.objects.exists()


def test_it_refuses_a_code_for_an_account_with_totp(child, coordinator):
    with_totp(child)
    with pytest.raises(ValidationError, match=str(SETUP_CODE_HAS_LOGIN)[:30]):
        setup_code_create(user=child, acting_user=coordinator)
    assert not AccountSetupCode.objects.exists()


def test_it_refuses_a_code_for_a_child_with_a_password(child, coordinator):
    child.set_password(PASSWORD)
    child.save()
    with pytest.raises(ValidationError, match=str(SETUP_CODE_HAS_LOGIN)[:30]):
        setup_code_create(user=child, acting_user=coordinator)


def test_it_refuses_a_code_for_a_staff_account(coordinator, municipality):
    colleague = _without_password(staff("professional", municipality, mfa=False))
    with pytest.raises(ValidationError):
        setup_code_create(user=colleague, acting_user=coordinator)


def test_it_hides_the_button_and_the_link_where_a_code_is_refused(client, coordinator, plan):
    client.force_login(coordinator)
    page = client.get(reverse("consent:owner_account", args=[plan.pk])).content.decode()
    assert str(SETUP_CODE_HAS_LOGIN) in page
    assert "Lag engangskode" not in page
    plan_page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("consent:owner_account", args=[plan.pk]) not in plan_page


def test_it_offers_the_code_for_a_child_without_a_login(client, coordinator, child_plan):
    client.force_login(coordinator)
    plan_page = client.get(reverse("plans:detail", args=[child_plan.pk])).content.decode()
    assert reverse("consent:owner_account", args=[child_plan.pk]) in plan_page
    page = client.get(reverse("consent:owner_account", args=[child_plan.pk])).content.decode()
    assert "Lag engangskode" in page


def test_an_adult_without_a_login_needs_an_approved_exception(client, owner, coordinator, plan):
    _without_password(owner)
    client.force_login(coordinator)
    url = reverse("consent:owner_account", args=[plan.pk])
    page = client.get(url).content.decode()
    assert str(SETUP_CODE_ADULT_NEEDS_EXCEPTION) in page
    assert reverse("accounts:setup_code_exception", args=[owner.pk]) in page
    assert "Lag engangskode" not in page
    assert client.post(url).status_code == 400
    assert not AccountSetupCode.objects.exists()


# --- the exception, approved by a case handler ----------------------------------------------


def test_a_case_handler_approves_an_exception_and_the_coordinator_makes_one_code(
    client, owner, coordinator, case_handler, plan
):
    _without_password(owner)
    client.force_login(case_handler)
    url = reverse("accounts:setup_code_exception", args=[owner.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": REASON}).status_code == 302
    exception = SetupCodeException.objects.get()
    assert (exception.person, exception.approved_by, exception.reason) == (
        owner,
        case_handler,
        REASON,
    )
    approved = SecurityEvent.objects.get(kind=Kind.SETUP_CODE_APPROVED)
    assert approved.actor == case_handler and approved.user == owner
    assert "BankID" not in approved.detail  # the reason stays in its row

    client.force_login(coordinator)
    page = client.post(reverse("consent:owner_account", args=[plan.pk])).content.decode()
    assert "Engangskode:" in page
    assert AccountSetupCode.objects.get().exception == exception
    # The exception is for one code.
    with pytest.raises(ValidationError, match=str(SETUP_CODE_ADULT_NEEDS_EXCEPTION)[:30]):
        setup_code_create(user=owner, acting_user=coordinator)


def test_only_a_case_handler_of_the_persons_municipality_approves(
    client, owner, coordinator, municipality, other_municipality
):
    _without_password(owner)
    elsewhere = staff("case_handler", other_municipality)
    url = reverse("accounts:setup_code_exception", args=[owner.pk])
    for user in (coordinator, elsewhere):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": REASON}).status_code == 404
        with pytest.raises(PermissionDenied, match=str(SETUP_CODE_EXCEPTION_NOT_ALLOWED)[:30]):
            setup_code_exception_approve(person=owner, reason=REASON, acting_user=user)
    assert not SetupCodeException.objects.exists()


def test_an_exception_needs_a_reason(client, owner, case_handler):
    _without_password(owner)
    client.force_login(case_handler)
    url = reverse("accounts:setup_code_exception", args=[owner.pk])
    response = client.post(url, {"reason": "fordi"})
    assert response.status_code == 400
    assert str(SETUP_CODE_EXCEPTION_REASON_NEEDED) in response.content.decode()
    assert not SetupCodeException.objects.exists()


def test_no_exception_is_approved_for_someone_who_can_log_in(client, owner, case_handler):
    client.force_login(case_handler)
    url = reverse("accounts:setup_code_exception", args=[owner.pk])
    assert str(SETUP_CODE_HAS_LOGIN) in client.get(url).content.decode()
    assert client.post(url, {"reason": REASON}).status_code == 400
    assert not SetupCodeException.objects.exists()


# --- a code never replaces a way to log in ---------------------------------------------------


@pytest.mark.parametrize("gained", ["password", "idporten", "totp"])
def test_a_code_stops_working_when_the_account_gained_a_login(client, child, coordinator, gained):
    code = setup_code_create(user=child, acting_user=coordinator)
    if gained == "password":
        child.set_password(PASSWORD)
        child.save()
    elif gained == "idporten":
        _link_idporten(child)
    else:
        with_totp(child)
    response = _redeem(client, child, code)
    assert response.status_code == 400
    assert str(SETUP_CODE_INVALID)[:40] in response.content.decode()
    assert SESSION_KEY not in client.session
    child.refresh_from_db()
    assert not child.check_password(NEW_PASSWORD)
    refused = SecurityEvent.objects.get(kind=Kind.SETUP_CODE_REFUSED)
    assert refused.user == child and refused.detail == "account has a login"
    with pytest.raises(ValidationError):  # and it is used up
        setup_code_redeem(username=child.username, code=code, password=NEW_PASSWORD)


def test_the_demo_takeover_is_closed_a_code_for_innbygger_is_refused(
    client, owner, coordinator, plan
):
    """Issue 9, point 2: a coordinator got a code for an adult with a password and redeemed it
    anonymously, which replaced her password and logged in as her."""
    client.force_login(coordinator)
    client.post(reverse("consent:owner_account", args=[plan.pk]))
    client.logout()
    assert not AccountSetupCode.objects.exists()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
