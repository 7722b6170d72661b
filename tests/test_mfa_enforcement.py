"""Staff reach no plan or case data before they have a second factor (one middleware)."""

import pytest
from django.urls import reverse

from accounts.middleware import MFA_SETUP_URL_NAMES
from accounts.models import StaffMembership
from tests.factories import staff, with_totp
from tests.urlwalk import all_routes

Role = StaffMembership.Role


@pytest.mark.parametrize("role", Role.values)
def test_every_page_sends_staff_without_mfa_to_the_setup_explanation(client, municipality, role):
    user = staff(role, municipality, mfa=False)
    client.force_login(user)
    walked = 0
    for route in all_routes():
        if route.name in MFA_SETUP_URL_NAMES or route.name.startswith(
            ("account_", "socialaccount_", "openid_connect", "<unnamed", "mfa_")
        ):
            continue
        response = client.get(route.path)
        assert response.status_code == 302, (route, response.status_code)
        assert response["Location"] == reverse("accounts:mfa_required"), route
        walked += 1
    assert walked >= 40


def test_the_explanation_links_to_totp_and_security_key_setup(client, municipality):
    client.force_login(staff(Role.COORDINATOR, municipality, mfa=False))
    page = client.get(reverse("accounts:mfa_required")).content.decode()
    assert reverse("mfa_activate_totp") in page
    assert reverse("mfa_add_webauthn") in page


def test_staff_with_totp_get_in(client, municipality):
    user = staff(Role.COORDINATOR, municipality, mfa=False)
    with_totp(user)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("plans:coordinator_list")).status_code == 200


def test_citizens_do_not_need_mfa(client, owner):
    client.force_login(owner)
    assert client.get(reverse("home")).status_code == 200


def test_a_citizen_who_becomes_staff_is_stopped_until_mfa(client, owner, municipality):
    client.force_login(owner)
    assert client.get(reverse("home")).status_code == 200
    StaffMembership.objects.create(user=owner, municipality=municipality, role=Role.COORDINATOR)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:mfa_required")


def test_a_session_that_used_its_second_factor_gets_the_menu_without_asking_again(
    client, municipality
):
    """The menu is for staff who have a second factor; a session that logged in with it has
    one, so no page looks up the authenticators again (one query on every staff page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = staff(Role.COORDINATOR, municipality)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    assert 'aria-label="Hovedmeny"' in page
    assert reverse("plans:coordinator_list") in page
    assert not [q for q in queries.captured_queries if "mfa_authenticator" in q["sql"]]
