"""In Chromium, phone and desktop: a coordinator's record without an individual plan, turned
into one (by the person's consent, or by the coordinator after a decision granting it), and a
cooperation meeting with NAV and the school invited, where NAV reads the notice but none of
the goals it has no grant for, and the minutes are written right after the meeting."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import StaffMembership
from consent.services import grants_decide, plan_consent_give
from coordination.models import Meeting
from coordination.services.meetings import meeting_create
from plans.models import Participant, Plan, ProgressNote
from plans.services.goals import goal_create
from plans.services.lifecycle import plan_create
from plans.services.notes import note_create
from plans.services.participants import participant_add
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.casework.conftest import apply, decide, rules  # noqa: F401 (a fixture)
from tests.factories import (
    PASSWORD,
    MunicipalityFactory,
    PlanFactory,
    UserFactory,
    staff,
    with_totp,
)

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
IN_A_YEAR = timezone.localdate() + datetime.timedelta(days=365)


def new_page(browser, viewport):
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo", viewport=viewport)
    return context.new_page()


def shot(page, name):
    """A screenshot to look at, where IPPLAN_SCREENSHOTS names a folder."""
    if folder := os.environ.get("IPPLAN_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def person(municipality, role, username, first, last, **extra):
    user = staff(role, municipality, mfa=False, username=username, first_name=first, last_name=last)
    return user, with_totp(user)


@pytest.fixture
def record(db):
    municipality = MunicipalityFactory(name="Fjordvik kommune")
    kari, secret = person(municipality, StaffMembership.Role.COORDINATOR, "kari", "Kari", "Nilsen")
    nav, _ = person(municipality, StaffMembership.Role.PROFESSIONAL, "per", "Per", "Hansen")
    sander = UserFactory(
        username="sander",
        first_name="Sander",
        last_name="Lien",
        birth_date=datetime.date(2001, 5, 14),
    )
    plan = plan_create(
        owner=sander,
        coordinator=kari,
        municipality=municipality,
        kind=Plan.Kind.COORDINATION,
        acting_user=kari,
    )
    plan_consent_give(plan=plan, acting_user=sander)
    participant = participant_add(
        plan=plan, user=nav, name="Per Hansen", role="service_provider", acting_user=kari
    )
    grants_decide(
        plan=plan,
        participant=participant,
        levels={"participants": "read", "meetings": "read"},
        ends_on=IN_A_YEAR,
        acting_user=sander,
    )
    note_create(plan=plan, text="Første samtale.", noted_on=timezone.localdate(), acting_user=kari)
    return {"plan": plan, "secret": secret, "municipality": municipality, "sander": sander}


def test_the_person_consents_on_the_phone_and_it_becomes_their_plan(browser, live_server, record):
    plan = record["plan"]
    base = live_server.url
    page = new_page(browser, PHONE)
    log_in(page, base, "sander", PASSWORD)
    expect(page.get_by_role("heading", name="Din koordinator")).to_be_visible()
    page.get_by_role("link", name="Åpne", exact=True).click()
    expect(page.get_by_role("heading", name="Din koordinator", level=1)).to_be_visible()
    expect(page.get_by_text("Koordinerende enhet har gitt en koordinator uten")).to_be_visible()
    assert page.get_by_role("heading", name=re.compile("^Mål")).count() == 0
    assert_no_axe_violations(page)
    no_sideways_scroll(page)
    shot(page, "record-phone")

    page.goto(f"{base}/planer/{plan.pk}/samtykke/")
    assert_no_axe_violations(page)
    no_sideways_scroll(page)
    page.get_by_role("button", name="Jeg samtykker til individuell plan").click()
    expect(page.get_by_role("heading", name="Din individuelle plan", level=1)).to_be_visible()
    expect(page.get_by_text("Koordineringen er nå en individuell plan")).to_be_visible()
    assert page.url.endswith(f"/planer/{plan.pk}/")
    assert_no_axe_violations(page)
    no_sideways_scroll(page)
    shot(page, "converted-phone")
    plan.refresh_from_db()
    assert plan.kind == Plan.Kind.INDIVIDUAL_PLAN
    assert ProgressNote.objects.filter(plan=plan).count() == 1
    assert Participant.objects.filter(plan=plan).count() == 1
    page.context.close()


def test_the_coordinator_converts_it_on_the_desktop_after_the_decision(
    browser,
    live_server,
    record,
    rules,  # noqa: F811 (the fixture imported above)
):
    plan = record["plan"]
    handler = staff(StaffMembership.Role.CASE_HANDLER, record["municipality"], username="mona")
    decide(apply(record["sander"], record["municipality"]), handler, rules["pbrl-7-5"])
    base = live_server.url
    page = new_page(browser, DESKTOP)
    log_in(page, base, "kari", PASSWORD, totp_secret=record["secret"])
    page.goto(f"{base}/planer/")
    expect(page.get_by_text("Koordinator uten individuell plan")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Sander Lien").click()
    expect(page.get_by_role("heading", name="Koordinering for Sander Lien")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Individuell plan er innvilget \(sak "))).to_be_visible()
    assert_no_axe_violations(page)
    shot(page, "record-desktop")
    page.get_by_role("button", name="Gjør om til individuell plan").click()
    expect(page.get_by_role("heading", name="Planen til Sander Lien", level=1)).to_be_visible()
    expect(page.get_by_text("Koordineringen er gjort om til individuell plan")).to_be_visible()
    expect(
        page.get_by_role("link", name="Første samtale.", exact=False)
        .or_(page.get_by_text("Første samtale."))
        .first
    ).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{base}/planer/{plan.pk}/historikk/")
    expect(
        page.get_by_text(re.compile("Gjort om til individuell plan etter vedtak"))
    ).to_be_visible()
    shot(page, "converted-history-desktop")
    plan.refresh_from_db()
    assert plan.kind == Plan.Kind.INDIVIDUAL_PLAN
    page.context.close()


@pytest.fixture
def school_meeting(db):
    """Emil's plan: NAV takes part with no grant on goals or meetings; the school reads both."""
    municipality = MunicipalityFactory(name="Fjordvik kommune")
    kari, kari_secret = person(
        municipality, StaffMembership.Role.COORDINATOR, "kari", "Kari", "Nilsen"
    )
    per, per_secret = person(
        municipality, StaffMembership.Role.PROFESSIONAL, "per", "Per", "Hansen"
    )
    sara, sara_secret = person(
        municipality, StaffMembership.Role.PROFESSIONAL, "sara", "Sara", "Ali"
    )
    emil = UserFactory(
        username="emil", first_name="Emil", last_name="Dahl", birth_date=datetime.date(2005, 1, 9)
    )
    plan = PlanFactory(municipality=municipality, owner=emil, coordinator=kari)
    plan_consent_give(plan=plan, acting_user=emil)
    goal_create(plan=plan, title="Fullføre skoleåret", acting_user=kari, status="in_progress")
    for user, name, levels in (
        (per, "Per Hansen", {"participants": "read"}),
        (sara, "Sara Ali", {"goals": "read", "meetings": "read"}),
    ):
        participant = participant_add(
            plan=plan, user=user, name=name, role="service_provider", acting_user=kari
        )
        grants_decide(
            plan=plan, participant=participant, levels=levels, ends_on=IN_A_YEAR, acting_user=emil
        )
    meeting = meeting_create(
        plan=plan,
        title="Samarbeidsmøte med NAV og skolen",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        duration_minutes=60,
        place="Fjordvik skole",
        video_link="",
        agenda=["Sommerjobb", "Fravær"],
        invitee_ids=[emil.pk, per.pk, sara.pk],
        acting_user=kari,
    )
    # It has just taken place.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=65)
    )
    return {
        "plan": plan,
        "meeting": meeting,
        "secrets": {"kari": kari_secret, "per": per_secret, "sara": sara_secret},
    }


def test_nav_reads_the_notice_not_the_goals_and_minutes_follow_the_meeting(
    browser, live_server, school_meeting
):
    plan, meeting = school_meeting["plan"], school_meeting["meeting"]
    secrets = school_meeting["secrets"]
    base = live_server.url
    url = f"{base}/planer/{plan.pk}/moter/{meeting.pk}/"

    nav = new_page(browser, PHONE)
    log_in(nav, base, "per", PASSWORD, totp_secret=secrets["per"])
    nav.goto(url)
    expect(nav.get_by_role("heading", name="Samarbeidsmøte med NAV og skolen")).to_be_visible()
    expect(nav.get_by_text("Fjordvik skole").first).to_be_visible()
    expect(nav.get_by_text("Sommerjobb")).to_be_visible()
    assert "Fullføre skoleåret" not in nav.content()
    assert_no_axe_violations(nav)
    no_sideways_scroll(nav)
    shot(nav, "meeting-nav-phone")

    kari = new_page(browser, DESKTOP)
    log_in(kari, base, "kari", PASSWORD, totp_secret=secrets["kari"])
    kari.goto(url)
    kari.get_by_role("link", name="Skriv referat").click()
    kari.get_by_label("Per Hansen").check()
    kari.get_by_label("Sara Ali").check()
    kari.get_by_label(re.compile(r"^Sommerjobb")).fill("NAV finner en sommerjobb.")
    evaluation = kari.get_by_role("group", name="Fullføre skoleåret")
    evaluation.get_by_label(re.compile(r"^Status")).select_option("in_progress")
    evaluation.get_by_label("Vurdering").fill("Fraværet har gått ned etter tilretteleggingen.")
    assert_no_axe_violations(kari)
    kari.get_by_role("button", name="Lagre utkast").click()
    kari.get_by_role("button", name="Godkjenn referatet").click()
    expect(kari.get_by_text("Referatet er godkjent og låst.")).to_be_visible()
    shot(kari, "minutes-desktop")

    nav.reload()
    assert "Fullføre skoleåret" not in nav.content()
    assert "Fraværet har gått ned" not in nav.content()
    school = new_page(browser, DESKTOP)
    log_in(school, base, "sara", PASSWORD, totp_secret=secrets["sara"])
    school.goto(url)
    expect(school.get_by_text("Fraværet har gått ned etter tilretteleggingen.")).to_be_visible()
    assert_no_axe_violations(school)
    for page in (nav, kari, school):
        page.context.close()
