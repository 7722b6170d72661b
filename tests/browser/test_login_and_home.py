"""Logging in through the real form in Chromium, and the home pages, checked with axe."""

import pytest

from accounts.models import StaffMembership
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import PASSWORD, MunicipalityFactory, UserFactory, staff, with_totp

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_login_page_has_no_accessibility_violations(page, live_server):
    page.goto(f"{live_server.url}/konto/login/")
    assert page.title().startswith("Logg inn")
    assert_no_axe_violations(page)


def test_a_citizen_logs_in_and_sees_the_empty_state(page, live_server):
    municipality = MunicipalityFactory(name="Fjordvik kommune")
    UserFactory(username="ingrid", first_name="Ingrid", home_municipality=municipality)
    log_in(page, live_server.url, "ingrid", PASSWORD)
    assert page.get_by_role("heading", name="Hei, Ingrid").is_visible()
    assert page.get_by_role("heading", name="Du har ingen individuell plan ennå").is_visible()
    assert page.get_by_role("link", name=municipality.phone).is_visible()
    assert_no_axe_violations(page)


def test_a_coordinator_logs_in_with_totp_and_sees_their_plans(page, live_server):
    municipality = MunicipalityFactory()
    kari = staff(
        StaffMembership.Role.COORDINATOR,
        municipality,
        mfa=False,
        username="kari",
        first_name="Kari",
    )
    secret = with_totp(kari)
    log_in(page, live_server.url, "kari", PASSWORD, totp_secret=secret)
    assert page.get_by_role("heading", name="Planer du er koordinator for").is_visible()
    assert (
        page.get_by_role("navigation", name="Hovedmeny")
        .get_by_role("link", name="Mine planer")
        .is_visible()
    )
    assert_no_axe_violations(page)


def test_the_language_switch_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="nb-NO")
    page = context.new_page()
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Log in to ipplan").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


def test_the_skip_link_moves_focus_to_the_main_content(page, live_server):
    page.goto(f"{live_server.url}/konto/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnholdet")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
