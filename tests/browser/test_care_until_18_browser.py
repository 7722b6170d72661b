"""The 18-year step as the young person meets it: the plan page says that the child welfare
service's care has ended and lets her choose; the choice page works on a 360 px phone and a
desktop, nothing sideways, axe clean, and the plan page then says what she chose."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from accounts.models import Representation, StaffMembership
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import (
    PASSWORD,
    MunicipalityFactory,
    PlanFactory,
    UserFactory,
    represent,
    staff,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan():
    """Sara turned 18 two days ago; Berit was the child welfare service's caseworker."""
    municipality = MunicipalityFactory(name="Fjordvik kommune")
    kari = staff(StaffMembership.Role.COORDINATOR, municipality, username="kari", first_name="Kari")
    turned = timezone.localdate() - datetime.timedelta(days=2)
    sara = UserFactory(
        username="sara",
        first_name="Sara",
        last_name="Lund",
        birth_date=turned.replace(year=turned.year - 18),
        home_municipality=municipality,
    )
    berit = UserFactory(username="berit", first_name="Berit", last_name="Barnevern")
    represent(sara, berit, kind=Representation.Kind.CHILD_WELFARE)
    return PlanFactory(municipality=municipality, owner=sara, coordinator=kari)


def fits_the_screen(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [360, 1280])
def test_the_young_person_chooses_aftercare_access_on_any_screen(
    browser, live_server, plan, tmp_path, width
):
    shots = os.environ.get("IPPLAN_SCREENSHOT_DIR") or str(tmp_path)
    phone = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True}
    desktop = {"viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(locale="nb-NO", **(phone if width == 360 else desktop))
    page = context.new_page()
    log_in(page, live_server.url, "sara", PASSWORD)
    url = f"{live_server.url}/planer/{plan.pk}/"
    page.goto(url)
    assert "Barnevernstjenesten har ikke tilgang til planen." in page.locator("main").inner_text()
    fits_the_screen(page, width)
    assert_no_axe_violations(page)
    page.screenshot(path=os.path.join(shots, f"care-plan-{width}.png"), full_page=True)

    page.get_by_role("link", name="Velg om barnevernstjenesten skal se planen etter 18 år").click()
    page.wait_for_url(f"{url}samtykke/ettervern/")
    fits_the_screen(page, width)
    assert_no_axe_violations(page)
    page.screenshot(path=os.path.join(shots, f"care-choice-{width}.png"), full_page=True)
    page.get_by_role("group", name="Mål", exact=True).get_by_label("Lese", exact=True).check()
    page.get_by_role("button", name="Lagre valget").click()
    page.wait_for_url(url)
    text = page.locator("main").inner_text()
    assert "Valget ditt er lagret." in text and "Barnevernstjenesten har tilgang til: Mål." in text
    context.close()
