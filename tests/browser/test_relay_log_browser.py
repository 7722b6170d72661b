"""A child's relay log in Chromium: the kindergarten teacher starts it on a desktop, the
father's consent lets her take it into use, she hands the baton to the school, the teacher
accepts on a phone and, once the plan right is granted, continues it as an individual plan with
nothing lost. axe-core finds no WCAG 2.1 AA violations on any page; nothing scrolls sideways
on a 360 px phone. IPPLAN_SCREENSHOTS=<dir> keeps screenshots of the pages."""

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import StaffMembership
from casework.models import ComplaintRule
from casework.services.cases import case_submit, decision_make
from consent.services.consents import plan_consent_give
from plans.models import Goal, Measure, Participant, Plan, ProgressNote
from plans.services.goals import goal_create
from plans.services.lifecycle import plan_activate
from plans.services.measures import measure_create
from plans.services.notes import note_create
from plans.services.participants import participant_add
from plans.services.relay import relay_log_create
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import (
    PASSWORD,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    represent,
    staff,
    synthetic_national_id,
    with_national_id,
    with_totp,
)

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
Role = StaffMembership.Role


def shot(page, name):
    folder = os.environ.get("IPPLAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def check(page, name, *, phone=False):
    assert_no_axe_violations(page)
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    shot(page, name)


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
    kindergarten = OrganisationFactory(municipality=fjordvik, name="Solsiden barnehage")
    school = OrganisationFactory(municipality=fjordvik, name="Fjordvik skole")
    people = {}
    for key, role, org, first, last in (
        ("tone", Role.PROFESSIONAL, kindergarten, "Tone", "Lund"),
        ("sara", Role.PROFESSIONAL, school, "Sara", "Ali"),
        ("kari", Role.COORDINATOR, None, "Kari", "Nilsen"),
        ("mona", Role.CASE_HANDLER, None, "Mona", "Lie"),
    ):
        user = staff(
            role,
            fjordvik,
            organisation=org,
            mfa=False,
            username=key,
            first_name=first,
            last_name=last,
        )
        people[key] = user
        people[f"{key}_secret"] = with_totp(user)
    lars = UserFactory(username="lars", first_name="Lars", last_name="Berg")
    people["lars"] = lars
    people["fjordvik"] = fjordvik
    people["number"] = synthetic_national_id(datetime.date(2020, 9, 14))
    return people


def _content(plan, tone, lars):
    """What the kindergarten wrote while it held the baton (the forms are tested elsewhere)."""
    teacher = participant_add(
        plan=plan, acting_user=tone, user=tone, name="Tone Lund", role="service_provider"
    )
    participant_add(plan=plan, acting_user=tone, user=lars, name="Lars Berg", role="guardian")
    goal = goal_create(plan=plan, acting_user=tone, title="Jakob blir forstått")
    measure = measure_create(
        plan=plan,
        goal=goal,
        acting_user=tone,
        title="Språkgruppe to ganger i uken",
        bti_level=2,
        responsible=teacher,
        start_date=datetime.date(2026, 3, 1),
        deadline=datetime.date(2027, 1, 15),
    )
    note_create(
        plan=plan,
        measure=measure,
        noted_on=timezone.localdate(),
        acting_user=tone,
        text="Overføringsmøte med skolen.",
    )


def _counts(plan):
    return [m.objects.filter(plan=plan).count() for m in (Goal, Measure, ProgressNote, Participant)]


def test_a_relay_log_goes_from_kindergarten_to_school_and_becomes_a_plan(
    browser, live_server, scene
):
    base = live_server.url
    tone = browser.new_context(locale="nb-NO", viewport=DESKTOP).new_page()
    sara = browser.new_context(
        locale="nb-NO", viewport=PHONE, is_mobile=True, has_touch=True
    ).new_page()

    # The kindergarten teacher starts the relay log (desktop).
    log_in(tone, base, "tone", PASSWORD, totp_secret=scene["tone_secret"])
    tone.get_by_role("link", name="Ny stafettlogg").click()
    check(tone, "relay-01-create")
    tone.get_by_label("Barnets fødselsnummer eller D-nummer").fill(scene["number"])
    tone.get_by_label("Barnets fornavn").fill("Jakob")
    tone.get_by_label("Barnets etternavn").fill("Berg")
    tone.get_by_role("button", name="Opprett stafettlogg").click()
    expect(tone.get_by_role("heading", name="Stafettloggen til Jakob Berg")).to_be_visible()
    plan = Plan.objects.get(kind=Plan.Kind.RELAY_LOG)
    represent(plan.owner, scene["lars"])

    # The concern, in the relay log's own words.
    tone.get_by_role("link", name="Endre «Bekymring og det som er viktig»").click()
    check(tone, "relay-02-concern")
    tone.get_by_label("Bekymringen").fill("Jakob blir lite forstått av de andre barna.")
    tone.get_by_label("Det som er viktig for barnet og foreldrene").fill("Lego og fotball.")
    tone.get_by_role("button", name="Lagre").click()
    expect(tone.get_by_text("Jakob blir lite forstått av de andre barna.")).to_be_visible()
    _content(plan, scene["tone"], scene["lars"])
    plan_consent_give(plan=plan, acting_user=scene["lars"])
    tone.reload()
    tone.get_by_role("button", name="Ta stafettloggen i bruk").click()
    expect(tone.locator(".plan-status .ds-tag")).to_have_text("Aktiv")
    check(tone, "relay-03-log-desktop")

    # The measure's BTI level: shown and changed on the measure's form.
    measure = Measure.objects.get(plan=plan)
    tone.goto(base + reverse("plans:measure_edit", args=[plan.pk, measure.pk]))
    expect(tone.get_by_role("radio", name="Nivå 2: Samarbeid mellom to tjenester")).to_be_checked()
    check(tone, "relay-03b-measure-level")
    tone.get_by_role("radio", name="Nivå 3: Samarbeid mellom flere tjenester").check()
    tone.get_by_role("button", name="Lagre").click()
    expect(tone.locator("#key-facts")).to_contain_text("Nivå 3: Samarbeid mellom flere tjenester")

    # She hands the baton to the school.
    tone.get_by_role("link", name="Gi stafettpinnen videre").click()
    check(tone, "relay-04-handover")
    tone.get_by_role("combobox", name="Ny stafettholder").select_option(
        label="Sara Ali (Fjordvik skole)"
    )
    tone.get_by_role("button", name="Send forslag").click()
    expect(tone.get_by_text("Du er stafettholder til forslaget er godtatt.").first).to_be_visible()

    # The teacher accepts on her phone.
    log_in(sara, base, "sara", PASSWORD, totp_secret=scene["sara_secret"])
    check(sara, "relay-05-home-phone", phone=True)
    sara.get_by_role("link", name="Stafettloggen til Jakob Berg (fra Tone Lund)").click()
    check(sara, "relay-06-accept-phone", phone=True)
    sara.get_by_role("button", name="Ja, jeg tar over").click()
    expect(sara.get_by_role("heading", name="Stafettloggen til Jakob Berg")).to_be_visible()
    expect(sara.get_by_text("Jakob blir forstått").first).to_be_visible()
    check(sara, "relay-07-log-phone", phone=True)
    before = _counts(plan)

    # The coordinating unit grants the individual plan; the holder continues the log as one.
    case = case_submit(
        person=plan.owner,
        municipality=scene["fjordvik"],
        kind="application",
        acting_user=scene["lars"],
        wants_plan=True,
        wants_coordinator=True,
        wants_child_coordinator=False,
        needs="Jakob trenger hjelp fra skole, helsestasjon og logoped.",
        consent_to_contact=True,
    )
    decision_make(
        case=case,
        plan_outcome="granted",
        coordinator_outcome="granted",
        child_coordinator_outcome="not_asked",
        facts="Skole, helsestasjon og logoped følger Jakob opp.",
        considerations="Langvarig behov; tjenestene må ses samlet.",
        complaint_rule=ComplaintRule.objects.get(code="pbrl-7-5"),
        acting_user=scene["mona"],
    )
    sara.reload()
    sara.get_by_role("link", name="Fortsett som individuell plan").click()
    check(sara, "relay-08-continue-phone", phone=True)
    sara.get_by_label("Koordinator for den individuelle planen").select_option(label="Kari Nilsen")
    sara.get_by_role("button", name="Fortsett som individuell plan").click()

    # Kari, the coordinator, finds everything in the draft plan.
    kari = browser.new_context(locale="nb-NO", viewport=DESKTOP).new_page()
    log_in(kari, base, "kari", PASSWORD, totp_secret=scene["kari_secret"])
    kari.goto(f"{base}/planer/{plan.pk}/")
    expect(kari.get_by_role("heading", name="Planen til Jakob Berg")).to_be_visible()
    expect(kari.get_by_text("Jakob blir forstått").first).to_be_visible()
    expect(kari.get_by_text("Språkgruppe to ganger i uken").first).to_be_visible()
    expect(kari.get_by_text("Overføringsmøte med skolen.").first).to_be_visible()
    check(kari, "relay-09-plan-desktop")
    kari.get_by_role("link", name="Hvem har endret hva").click()
    expect(kari.get_by_text("Stafettloggen fortsetter som individuell plan").first).to_be_visible()
    check(kari, "relay-10-history")
    plan.refresh_from_db()
    assert (plan.kind, plan.status, plan.coordinator) == ("ip", "draft", scene["kari"])
    assert _counts(plan) == before


def test_both_parents_consent_to_a_plan_on_their_phones_and_the_holder_continues_it(
    browser, live_server, scene
):
    """No decision: Lars and Mari consent to an individual plan on the relay log, one after
    the other, on their phones; then Tone continues it as a plan, with nothing lost."""
    base = live_server.url
    jakob = with_national_id(
        UserFactory(username="jakob", first_name="Jakob", last_name="Berg"),
        datetime.date(2020, 9, 14),
    )
    represent(jakob, scene["lars"])
    mari = UserFactory(username="mari", first_name="Mari", last_name="Berg")
    plan = relay_log_create(owner=jakob, municipality=scene["fjordvik"], acting_user=scene["tone"])
    _content(plan, scene["tone"], scene["lars"])
    plan_consent_give(plan=plan, acting_user=scene["lars"])
    plan_activate(plan=plan, acting_user=scene["tone"])
    # Mari's parental responsibility is registered after the relay log was taken into use.
    represent(jakob, mari)
    before = _counts(plan)

    def phone():
        return browser.new_context(
            locale="nb-NO", viewport=PHONE, is_mobile=True, has_touch=True
        ).new_page()

    # Lars consents first: it waits for Mari.
    lars = phone()
    log_in(lars, base, "lars", PASSWORD)
    lars.goto(f"{base}/planer/{plan.pk}/samtykke/")
    check(lars, "relay-11-consent-to-ip-phone", phone=True)
    lars.get_by_role("button", name="Jeg samtykker til individuell plan").click()
    expect(lars.get_by_text("Venter på samtykke fra Mari Berg.").first).to_be_visible()
    check(lars, "relay-12-waiting-phone", phone=True)

    # Mari sees it on the relay log and co-signs.
    mari_page = phone()
    log_in(mari_page, base, "mari", PASSWORD)
    mari_page.goto(f"{base}/planer/{plan.pk}/")
    expect(mari_page.get_by_text("Venter på samtykke fra Mari Berg.")).to_be_visible()
    check(mari_page, "relay-13-log-waiting-phone", phone=True)
    mari_page.get_by_role("link", name="Les og samtykk til individuell plan").click()
    mari_page.get_by_role("button", name="Jeg samtykker til individuell plan").click()
    expect(mari_page.get_by_text("Lars Berg, Mari Berg har samtykket").first).to_be_visible()
    check(mari_page, "relay-14-consented-phone", phone=True)

    # Tone, the holder, continues it as a plan on her phone, choosing the coordinator.
    tone = phone()
    log_in(tone, base, "tone", PASSWORD, totp_secret=scene["tone_secret"])
    tone.goto(f"{base}/planer/{plan.pk}/")
    expect(
        tone.get_by_text("Du kan nå fortsette stafettloggen som individuell plan.")
    ).to_be_visible()
    check(tone, "relay-15-log-consented-phone", phone=True)
    tone.get_by_role("link", name="Fortsett som individuell plan").click()
    expect(
        tone.get_by_text("Lars Berg, Mari Berg har samtykket til individuell plan")
    ).to_be_visible()
    check(tone, "relay-16-continue-by-consent-phone", phone=True)
    tone.get_by_label("Koordinator for den individuelle planen").select_option(label="Kari Nilsen")
    tone.get_by_role("button", name="Fortsett som individuell plan").click()

    # Kari finds everything, and the history names who consented.
    kari = browser.new_context(locale="nb-NO", viewport=DESKTOP).new_page()
    log_in(kari, base, "kari", PASSWORD, totp_secret=scene["kari_secret"])
    kari.goto(f"{base}/planer/{plan.pk}/")
    expect(kari.get_by_role("heading", name="Planen til Jakob Berg")).to_be_visible()
    expect(kari.get_by_text("Språkgruppe to ganger i uken").first).to_be_visible()
    expect(kari.get_by_text("Overføringsmøte med skolen.").first).to_be_visible()
    kari.get_by_role("link", name="Hvem har endret hva").click()
    expect(kari.get_by_text("etter samtykke fra Lars Berg, Mari Berg").first).to_be_visible()
    check(kari, "relay-17-history-consent")
    plan.refresh_from_db()
    assert (plan.kind, plan.status, plan.coordinator) == ("ip", "draft", scene["kari"])
    assert _counts(plan) == before
