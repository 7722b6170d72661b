"""Django admin: the installation's operators only (superusers with MFA, through the normal
login). Municipal administrators are refused there and change nothing: they cannot make
themselves anyone's guardian, set a resident's password, or change a resident's identity
details (issue 9, point 1). No plan contents in the admin."""

import pytest
from django.urls import reverse

from accounts.models import Representation
from tests.factories import UserFactory, with_totp

REFUSED = (302, 403, 404)


@pytest.fixture
def operator(db):
    """Olga: an operator of the installation, a superuser with TOTP."""
    user = UserFactory(username="olga", is_superuser=True, is_staff=True)
    with_totp(user)
    return user


@pytest.fixture
def bakkeby_resident(other_municipality):
    return UserFactory(username="aud", first_name="Aud", home_municipality=other_municipality)


def user_row(user):
    user.refresh_from_db()
    return (user.password, user.email, user.phone, user.national_id_digest, user.first_name)


def test_admin_needs_a_superuser(client, coordinator, administrator):
    for user in (coordinator, administrator):
        client.force_login(user)
        assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_anonymous_visitors_are_sent_to_the_one_login_with_mfa(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


@pytest.mark.parametrize("target", ["owner", "bakkeby_resident"])
def test_an_administrator_cannot_make_himself_a_guardian_in_the_admin(
    client, request, administrator, target
):
    person = request.getfixturevalue(target)
    client.force_login(administrator)
    url = reverse("admin:accounts_representation_add")
    assert client.get(url).status_code in REFUSED
    data = {
        "person": person.pk,
        "representative": administrator.pk,
        "kind": "guardian",
        "basis": "Verge",
        "valid_from": "2020-01-01",
    }
    assert client.post(url, data).status_code in REFUSED
    assert not Representation.objects.exists()


def test_an_administrator_cannot_set_a_residents_password(client, administrator, owner):
    before = user_row(owner)
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[owner.pk])
    assert client.get(url).status_code in REFUSED
    data = {"password1": "a-new-password-123", "password2": "a-new-password-123"}
    assert client.post(url, data).status_code in REFUSED
    assert user_row(owner) == before
    assert not client.login(username=owner.username, password="a-new-password-123")


def test_an_administrator_cannot_change_a_residents_identity_details(client, administrator, owner):
    before = user_row(owner)
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[owner.pk])
    assert client.get(url).status_code in REFUSED
    data = {
        "username": owner.username,
        "first_name": "Hacked",
        "last_name": "Haugen",
        "email": "admin@evil.example",
        "phone": "99999999",
        "is_active": "on",
    }
    assert client.post(url, data).status_code in REFUSED
    assert user_row(owner) == before


def test_a_superuser_with_mfa_still_gets_in(client, operator, owner):
    client.force_login(operator)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[owner.pk])).status_code == 200


def test_representations_are_read_only_even_for_operators(client, operator, owner, guardian):
    client.force_login(operator)
    assert client.get(reverse("admin:accounts_representation_add")).status_code == 403
    row = Representation.objects.get()
    page = client.get(reverse("admin:accounts_representation_change", args=[row.pk]))
    assert page.status_code == 200 and 'name="kind"' not in page.content.decode()


@pytest.mark.django_db
def test_a_superuser_without_mfa_is_stopped(client):
    operator = UserFactory(username="nomfa", is_superuser=True, is_staff=True)
    client.force_login(operator)
    assert client.get(reverse("admin:index"))["Location"] == reverse("accounts:mfa_required")


def test_plan_models_are_not_in_the_admin(client, operator):
    client.force_login(operator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "/admin/plans/" not in page and "/admin/consent/" not in page
    assert client.get("/admin/plans/plan/").status_code == 404
