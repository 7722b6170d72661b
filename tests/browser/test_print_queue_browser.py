"""Letters for a person reserved in KRR, in Chromium on a phone: the case handler sees the
paper notice on the case and the letter in the print queue, marks it posted; axe-core finds no
WCAG 2.1 AA violations and nothing scrolls sideways."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import ContactRegistryEntry, StaffMembership
from casework.models import Case, ComplaintRule, LetterDelivery
from casework.services.cases import case_submit, decision_make
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import PASSWORD, MunicipalityFactory, UserFactory, staff, with_totp

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 800}


@pytest.fixture
def reserved_letter():
    rule, _ = ComplaintRule.objects.get_or_create(
        code="pbrl-7-5",
        defaults={
            "reference_code": "complaint_deadline",
            "for_health_rights": True,
            "weeks": 4,
            "description": "-",
        },
    )
    fjordvik = MunicipalityFactory(name="Fjordvik kommune")
    mona = staff(StaffMembership.Role.CASE_HANDLER, fjordvik, mfa=False, username="mona")
    nils = UserFactory(username="nils", first_name="Nils", last_name="Berntsen")
    ContactRegistryEntry.objects.create(
        user=nils, status="AKTIV", reserved=True, checked_at=timezone.now()
    )
    case = case_submit(
        person=nils,
        municipality=fjordvik,
        kind=Case.Kind.APPLICATION,
        acting_user=nils,
        wants_plan=True,
        wants_coordinator=False,
        wants_child_coordinator=False,
        needs="Hjelp fra mange.",
        consent_to_contact=True,
    )
    decision_make(
        case=case,
        plan_outcome="granted",
        coordinator_outcome="not_asked",
        child_coordinator_outcome="not_asked",
        facts="Fakta.",
        considerations="Vurdering.",
        complaint_rule=rule,
        acting_user=mona,
    )
    return {"secret": with_totp(mona), "case": case}


def test_the_case_handler_prints_and_posts_a_reserved_persons_letter(
    browser, live_server, reserved_letter
):
    page = browser.new_context(locale="nb-NO", viewport=PHONE).new_page()
    log_in(page, live_server.url, "mona", PASSWORD, totp_secret=reserved_letter["secret"])
    page.goto(f"{live_server.url}/saker/")
    expect(page.get_by_role("heading", name="Brev som skal sendes med post")).to_be_visible()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name=reserved_letter["case"].number).first.click()
    expect(page.get_by_text("er reservert mot digital kommunikasjon").first).to_be_visible()
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Merk som sendt med post").click()
    expect(page.get_by_text("Brevet er merket som sendt med post.")).to_be_visible()
    expect(page.get_by_text("Skrevet ut og sendt med post").first).to_be_visible()
    assert LetterDelivery.objects.get().state == LetterDelivery.State.PRINTED
