"""A meeting from invitation to minutes in Chromium: the coordinator schedules it, the owner
accepts, the coordinator writes and approves minutes with a goal evaluation and turns an
action point into a measure."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import StaffMembership
from consent.services import plan_consent_give
from plans.models import Goal, Measure
from plans.services.goals import goal_create
from plans.services.participants import participant_add
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import (
    PASSWORD,
    MunicipalityFactory,
    PlanFactory,
    UserFactory,
    staff,
    with_totp,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene():
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
    ingrid = UserFactory(
        username="ingrid",
        first_name="Ingrid",
        last_name="Haugen",
        birth_date=datetime.date(1979, 4, 12),
    )
    plan = PlanFactory(municipality=municipality, owner=ingrid, coordinator=kari)
    plan_consent_give(plan=plan, acting_user=ingrid)
    goal_create(plan=plan, title="Klare innkjøp selv", acting_user=kari, status="in_progress")
    participant_add(plan=plan, name="Nina Sykepleier", role="service_provider", acting_user=kari)
    return {"plan": plan, "secret": secret}


def test_from_invitation_to_minutes_and_a_new_measure(browser, live_server, scene):
    plan = scene["plan"]
    base = live_server.url
    kari = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo").new_page()
    ingrid = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo").new_page()
    log_in(kari, base, "kari", PASSWORD, totp_secret=scene["secret"])

    kari.goto(f"{base}/planer/{plan.pk}/")
    kari.get_by_role("link", name="Nytt møte").click()
    assert_no_axe_violations(kari)
    start = timezone.localtime(timezone.now() + datetime.timedelta(minutes=40))
    kari.get_by_label(re.compile(r"^Tittel")).fill("Evalueringsmøte")
    kari.get_by_label(re.compile(r"^Dato")).fill(start.date().isoformat())
    kari.get_by_label(re.compile(r"^Klokkeslett")).fill(start.strftime("%H:%M"))
    kari.get_by_label(re.compile(r"^Saker")).fill("Hvordan går det med målene?\nVeien videre")
    kari.get_by_role("button", name="Send innkalling").click()
    expect(kari.get_by_role("heading", name="Evalueringsmøte")).to_be_visible()
    assert_no_axe_violations(kari)

    log_in(ingrid, base, "ingrid", PASSWORD)
    ingrid.goto(f"{base}/planer/{plan.pk}/")
    ingrid.get_by_role("link", name=re.compile(start.strftime("%H:%M"))).first.click()
    ingrid.get_by_role("button", name="Jeg kommer", exact=True).click()
    expect(ingrid.get_by_text("Svaret ditt nå: Kommer")).to_be_visible()
    assert_no_axe_violations(ingrid)

    kari.reload()
    kari.get_by_role("link", name="Skriv referat").click()
    kari.get_by_label("Ingrid Haugen").check()
    kari.get_by_label(re.compile(r"^Hvordan går det med målene")).fill("Det går framover.")
    evaluation = kari.get_by_role("group", name="Klare innkjøp selv")
    evaluation.get_by_label(re.compile(r"^Status")).select_option("achieved")
    evaluation.get_by_label("Vurdering").fill("Ingrid handler selv hver uke nå.")
    first = kari.get_by_role("group", name="Oppfølgingspunkt 1")
    first.get_by_label(re.compile(r"^Oppfølgingspunkt")).fill("Søke om handlevogn")
    first.get_by_label(re.compile(r"^Mål")).select_option(label="Klare innkjøp selv")
    first.get_by_label(re.compile(r"^Ansvarlig")).select_option(label="Nina Sykepleier")
    first.get_by_label(re.compile(r"^Frist")).fill(
        (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    )
    assert_no_axe_violations(kari)
    kari.get_by_role("button", name="Lagre utkast").click()
    kari.get_by_role("button", name="Godkjenn referatet").click()
    expect(kari.get_by_text("Referatet er godkjent og låst.")).to_be_visible()
    kari.get_by_role("button", name="Gjør om til tiltak «Søke om handlevogn»").click()
    expect(kari.get_by_text("Søke om handlevogn", exact=True)).to_be_visible()

    measure = Measure.objects.get(title="Søke om handlevogn")
    assert measure.responsible.name == "Nina Sykepleier"
    assert Goal.objects.get(plan=plan).status == "achieved"
    ingrid.reload()
    expect(ingrid.get_by_text("Ingrid handler selv hver uke nå.")).to_be_visible()
    kari.context.close()
    ingrid.context.close()
