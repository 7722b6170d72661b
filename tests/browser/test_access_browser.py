"""The owner grants a service provider access to measures, and revokes it: two browsers."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import StaffMembership
from plans.services.goals import goal_create
from plans.services.measures import measure_create
from plans.services.participants import participant_add
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import (
    PASSWORD,
    MunicipalityFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
    staff,
    with_totp,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene():
    municipality = MunicipalityFactory(name="Fjordvik kommune")
    nav = OrganisationFactory(municipality=municipality, name="NAV Fjordvik")
    kari = staff(StaffMembership.Role.COORDINATOR, municipality, username="kari")
    per = staff(
        StaffMembership.Role.PROFESSIONAL,
        municipality,
        organisation=nav,
        mfa=False,
        username="per",
        first_name="Per",
        last_name="Hansen",
    )
    per_secret = with_totp(per)
    ingrid = UserFactory(
        username="ingrid",
        first_name="Ingrid",
        last_name="Haugen",
        birth_date=datetime.date(1979, 4, 12),
    )
    plan = PlanFactory(municipality=municipality, owner=ingrid, coordinator=kari)
    participant_add(
        plan=plan,
        user=per,
        name="Per Hansen",
        role="service_provider",
        organisation=nav,
        acting_user=kari,
    )
    goal = goal_create(plan=plan, title="Tilbake i jobb", acting_user=kari)
    measure_create(
        plan=plan, goal=goal, title="Arbeidsrettet oppfølging", organisation=nav, acting_user=kari
    )
    return {"plan": plan, "per_secret": per_secret}


def test_the_providers_view_follows_the_owners_decisions(browser, live_server, scene):
    plan_url = f"{live_server.url}/planer/{scene['plan'].pk}/"
    owner = browser.new_context(locale="nb-NO").new_page()
    provider = browser.new_context(locale="nb-NO").new_page()
    log_in(provider, live_server.url, "per", PASSWORD, totp_secret=scene["per_secret"])
    assert provider.goto(plan_url).status == 404

    log_in(owner, live_server.url, "ingrid", PASSWORD)
    owner.goto(plan_url)
    owner.get_by_role("link", name="Hvem har tilgang").click()
    assert_no_axe_violations(owner)
    owner.get_by_role("link", name="Endre tilgang for Per Hansen").click()
    assert_no_axe_violations(owner)
    owner.get_by_role("group", name=re.compile(r"^Tiltak")).get_by_label("Lese", exact=True).check()
    until = timezone.localdate() + datetime.timedelta(days=90)
    owner.get_by_label(re.compile(r"^Tilgang til og med")).fill(until.isoformat())
    owner.get_by_role("button", name="Lagre tilgang").click()
    expect(owner.get_by_text("Tilgangen er lagret.")).to_be_visible()

    assert provider.goto(plan_url).status == 200
    expect(provider.get_by_text("Arbeidsrettet oppfølging", exact=True)).to_be_visible()
    expect(provider.get_by_text("Tilbake i jobb")).to_have_count(0)  # goals were not granted

    owner.get_by_role("link", name="Trekk tilbake all tilgang for Per Hansen").click()
    expect(owner.get_by_text("Dette skjer med en gang du bekrefter:")).to_be_visible()
    assert_no_axe_violations(owner)
    assert provider.reload().status == 200  # asking first changes nothing
    owner.get_by_role("button", name="Ja, trekk tilbake all tilgang").click()
    expect(owner.get_by_text("Deltakeren har ikke lenger tilgang til planen.")).to_be_visible()
    assert provider.reload().status == 404  # the same session, at once
    owner.context.close()
    provider.context.close()
