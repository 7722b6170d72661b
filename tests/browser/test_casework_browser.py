"""A case from application to Statsforvalteren in Chromium: the citizen applies on a phone,
the case handler assesses, grants partly, appoints the coordinator and creates the plan; the
citizen complains about the partial grant and the handler forwards the complaint. axe-core
finds no WCAG 2.1 AA violations on any page along the way."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.models import StaffMembership
from casework.models import Case, ComplaintRule, CoordinatorProfile, Decision
from complaints.models import Complaint
from plans.models import Plan
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import PASSWORD, MunicipalityFactory, UserFactory, staff, with_totp

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scene():
    ComplaintRule.objects.get_or_create(
        code="pbrl-7-5",
        defaults={
            "reference_code": "complaint_deadline",
            "for_health_rights": True,
            "weeks": 4,
            "description": "-",
        },
    )
    fjordvik = MunicipalityFactory(name="Fjordvik kommune")
    mona = staff(
        StaffMembership.Role.CASE_HANDLER,
        fjordvik,
        mfa=False,
        username="mona",
        first_name="Mona",
        last_name="Lie",
    )
    kari = staff(
        StaffMembership.Role.COORDINATOR,
        fjordvik,
        username="kari",
        first_name="Kari",
        last_name="Nilsen",
    )
    CoordinatorProfile.objects.create(
        user=kari, municipality=fjordvik, trained_on=datetime.date(2025, 3, 14)
    )
    UserFactory(
        username="ingrid",
        first_name="Ingrid",
        last_name="Haugen",
        home_municipality=fjordvik,
        birth_date=datetime.date(1979, 4, 12),
    )
    return {"mona_secret": with_totp(mona), "kari": kari}


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_from_application_to_statsforvalteren(browser, live_server, scene):
    base = live_server.url
    ingrid = browser.new_context(locale="nb-NO", viewport=PHONE).new_page()
    mona = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo").new_page()

    # The citizen applies, on a phone.
    log_in(ingrid, base, "ingrid", PASSWORD)
    ingrid.get_by_role("link", name="Søk om individuell plan eller koordinator").click()
    assert_no_axe_violations(ingrid)
    ingrid.get_by_role("button", name="Send søknaden").click()
    expect(ingrid.get_by_text("Kryss av for hva du søker om.").first).to_be_visible()
    ingrid.get_by_label("Individuell plan", exact=True).check()
    ingrid.get_by_label("Koordinator", exact=True).check()
    ingrid.get_by_label(re.compile(r"^Hva trenger du hjelp til")).fill(
        "Jeg har mange å forholde meg til og trenger én som holder i trådene."
    )
    ingrid.get_by_label(re.compile(r"^Ønsker du en bestemt koordinator")).fill("Kari Nilsen")
    ingrid.get_by_role("button", name="Send søknaden").click()
    expect(ingrid.get_by_text(re.compile(r"Søknaden er sendt. Saksnummeret er"))).to_be_visible()
    assert no_horizontal_scroll(ingrid)
    assert_no_axe_violations(ingrid)
    case = Case.objects.get()

    # The case handler assesses, grants partly, appoints and creates the plan.
    log_in(mona, base, "mona", PASSWORD, totp_secret=scene["mona_secret"])
    mona.get_by_role("link", name="Saker", exact=True).click()
    assert_no_axe_violations(mona)
    mona.get_by_role("link", name=case.number).click()
    mona.get_by_role("link", name="Vurder saken").click()
    for label in (
        "Behovet er langvarig",
        "Personen trenger to eller flere",
        "Tjenestene bør ses i sammenheng",
        "Samtykke foreligger",
    ):
        mona.get_by_label(re.compile("^" + label)).check()
    mona.get_by_role("button", name="Lagre").click()
    expect(mona.get_by_text("Vurderingen er lagret.")).to_be_visible()
    mona.get_by_role("link", name="Fatt vedtak").click()
    assert_no_axe_violations(mona)
    mona.get_by_label(re.compile(r"^Individuell plan")).select_option("partly")
    mona.get_by_label(re.compile(r"^Koordinator")).select_option("granted")
    mona.get_by_label(re.compile(r"^Faktiske forhold")).fill("Ingrid får fire tjenester.")
    mona.get_by_label(re.compile(r"^Hovedhensyn")).fill("Planen gjelder først helse og bolig.")
    mona.get_by_role("button", name="Se over brevet").click()
    # The letter is shown as it will be sent, and nothing is sent before it is confirmed.
    expect(mona.get_by_text("Ingrid får fire tjenester.").first).to_be_visible()
    assert not Decision.objects.exists()
    assert_no_axe_violations(mona)
    mona.get_by_role("button", name="Fatt vedtaket og send brevet").click()
    expect(mona.get_by_role("heading", name="Oppnevn koordinator")).to_be_visible()
    expect(mona.get_by_text("Kari Nilsen", exact=False).first).to_be_visible()
    assert_no_axe_violations(mona)
    mona.get_by_label(re.compile(r"^Koordinator")).select_option(str(scene["kari"].pk))
    mona.get_by_role("button", name="Oppnevn").click()
    expect(mona.get_by_text("Koordinatoren er oppnevnt.")).to_be_visible()
    plan = Plan.objects.get(owner__username="ingrid")
    assert plan.coordinator == scene["kari"] and plan.status == Plan.Status.DRAFT
    assert Decision.objects.get().plan == plan

    # The citizen reads the letter and complains about the partial grant.
    ingrid.get_by_role("link", name="Mine saker", exact=True).click()
    expect(
        ingrid.get_by_role("link", name="Vedtak om individuell plan og koordinator")
    ).to_be_visible()
    ingrid.get_by_role("link", name=f"Sak {case.number}").click()
    expect(ingrid.get_by_text("Delvis innvilget")).to_be_visible()
    assert_no_axe_violations(ingrid)
    ingrid.get_by_role("link", name="Klag", exact=True).click()
    ingrid.get_by_label("Retten er bare delvis oppfylt").check()
    ingrid.get_by_label(re.compile(r"^Skriv klagen din")).fill(
        "Planen må gjelde arbeid også, ikke bare helse og bolig."
    )
    assert_no_axe_violations(ingrid)
    ingrid.get_by_role("button", name="Send klagen").click()
    expect(ingrid.get_by_text("Klagen er mottatt.")).to_be_visible()
    assert no_horizontal_scroll(ingrid)

    # The case handler upholds the decision and forwards the complaint.
    mona.get_by_role("link", name="Klager", exact=True).click()
    mona.get_by_role("link", name=case.number).click()
    mona.get_by_role("button", name="Start behandlingen").click()
    expect(mona.get_by_text("Under behandling i kommunen")).to_be_visible()
    assert_no_axe_violations(mona)
    mona.get_by_text("Opprettholdt: send til Statsforvalteren").click()
    mona.get_by_label(re.compile(r"^Kommunens vurdering")).fill(
        "Arbeid tas inn ved første evaluering; vedtaket opprettholdes."
    )
    mona.get_by_role("button", name="Send til Statsforvalteren").click()
    expect(mona.get_by_text("Klagen er sendt til Statsforvalteren.")).to_be_visible()
    expect(mona.get_by_role("link", name="Saksdokumentene (PDF)")).to_be_visible()
    assert_no_axe_violations(mona)
    complaint = Complaint.objects.get()
    assert complaint.status == Complaint.Status.FORWARDED and complaint.case_file
    assert case.letters.count() == 2
    ingrid.context.close()
    mona.context.close()
