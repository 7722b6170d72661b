"""The family's workspace as the parents and the barnekoordinator use it: on a 360 px phone
and a desktop, nothing sideways, axe clean, the barnekoordinator's update read by the parent."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from accounts.models import StaffMembership
from coordination.services.families import family_service_add
from plans.services.family import family_create
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import (
    PASSWORD,
    MunicipalityFactory,
    UserFactory,
    represent,
    staff,
    with_national_id,
    with_totp,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def family():
    municipality = MunicipalityFactory(name="Fjordvik kommune")
    kari = staff(
        StaffMembership.Role.COORDINATOR,
        municipality,
        mfa=False,
        username="kari",
        first_name="Kari",
        last_name="Nilsen",
    )
    secret = with_totp(kari)
    emma = with_national_id(
        UserFactory(username="emma", first_name="Emma", last_name="Berg"),
        datetime.date(2016, 2, 20),
    )
    lars = UserFactory(username="lars", first_name="Lars", last_name="Berg")
    represent(emma, lars)
    family = family_create(
        child=emma,
        municipality=municipality,
        coordinator=kari,
        expected_on=None,
        plan=None,
        acting_user=kari,
    )
    family_service_add(
        family=family,
        acting_user=kari,
        name="Barne- og ungdomspsykiatrisk poliklinikk (BUP)",
        contact_name="Dr. Sunniva Lie",
        phone="99001600",
        email="bup.fjordvik@example.no",
        role="Behandling og veiledning til foreldrene",
    )
    return {"family": family, "kari_secret": secret}


def fits_the_screen(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_barnekoordinator_updates_a_task_and_the_parent_reads_it_on_a_phone(
    browser, live_server, family, tmp_path
):
    shots = os.environ.get("IPPLAN_SCREENSHOT_DIR") or str(tmp_path)
    url = f"{live_server.url}/familier/{family['family'].pk}/"
    phone = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True}

    coordinator = browser.new_context(locale="nb-NO", **phone).new_page()
    log_in(coordinator, live_server.url, "kari", PASSWORD, family["kari_secret"])
    coordinator.goto(url)
    coordinator.get_by_role("link", name="Oppdater: kontakt med spesialisthelsetjenesten").click()
    coordinator.get_by_label("Status").select_option("done")
    coordinator.get_by_label("Dato").fill(timezone.localdate().isoformat())
    coordinator.get_by_label("Notat til familien").fill("Time hos BUP er avtalt til januar.")
    fits_the_screen(coordinator, 360)
    assert_no_axe_violations(coordinator)
    coordinator.screenshot(path=os.path.join(shots, "family-task-360.png"), full_page=True)
    coordinator.get_by_role("button", name="Lagre").click()
    coordinator.wait_for_url(url)
    assert "Oppgaven er oppdatert." in coordinator.content()

    for width in (360, 1280):
        context = browser.new_context(
            locale="nb-NO",
            **(phone if width == 360 else {"viewport": {"width": 1280, "height": 900}}),
        )
        parent = context.new_page()
        log_in(parent, live_server.url, "lars", PASSWORD)
        parent.get_by_role("link", name="Familiens side – Emma Berg").click()
        parent.wait_for_url(url)
        text = parent.locator("main").inner_text()
        assert "Time hos BUP er avtalt til januar." in text
        assert "Dr. Sunniva Lie" in text and "Hvem har sett og endret familiens side" in text
        assert parent.get_by_role("link", name="Avslutt barnekoordinator").count() == 0
        fits_the_screen(parent, width)
        assert_no_axe_violations(parent)
        parent.screenshot(path=os.path.join(shots, f"family-parent-{width}.png"), full_page=True)
        context.close()
