"""The plan in Chromium: the owner on a phone, the coordinator adding a goal and a measure."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.models import StaffMembership
from plans.models import Goal, Measure
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
def people():
    municipality = MunicipalityFactory(name="Fjordvik kommune")
    home_care = OrganisationFactory(municipality=municipality, name="Hjemmetjenesten")
    kari = staff(
        StaffMembership.Role.COORDINATOR,
        municipality,
        organisation=home_care,
        mfa=False,
        username="kari",
        first_name="Kari",
        last_name="Nilsen",
    )
    secret = with_totp(kari)
    ingrid = UserFactory(username="ingrid", first_name="Ingrid", last_name="Haugen")
    plan = PlanFactory(municipality=municipality, owner=ingrid, coordinator=kari)
    nurse = participant_add(
        plan=plan,
        name="Nina Sykepleier",
        role="service_provider",
        organisation=home_care,
        contribution="Stell",
        acting_user=kari,
    )
    goal = goal_create(
        plan=plan,
        title="Jeg vil klare meg selv hjemme",
        acting_user=kari,
        status=Goal.Status.IN_PROGRESS,
    )
    measure_create(
        plan=plan,
        goal=goal,
        title="Hjelp til morgenstell",
        organisation=home_care,
        responsible=nurse,
        scope="Tre morgener i uka",
        how="Mandag, onsdag, fredag",
        deadline=datetime.date(2027, 6, 1),
        status=Measure.Status.ONGOING,
        acting_user=kari,
    )
    return {"plan": plan, "kari": kari, "secret": secret, "ingrid": ingrid, "home_care": home_care}


def test_the_owner_reads_the_plan_on_a_phone(browser, live_server, people):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="nb-NO", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    log_in(page, live_server.url, "ingrid", PASSWORD)
    page.get_by_role("link", name="Åpne planen").click()
    assert page.get_by_role("heading", name="Din individuelle plan").is_visible()
    assert page.get_by_role("heading", name="Jeg vil klare meg selv hjemme").is_visible()
    assert page.get_by_text("Hjelp til morgenstell").is_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    context.close()


def test_the_coordinator_adds_a_goal_and_a_measure_through_the_forms(page, live_server, people):
    log_in(page, live_server.url, "kari", PASSWORD, totp_secret=people["secret"])
    page.goto(f"{live_server.url}/planer/{people['plan'].pk}/")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Nytt mål", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Lagre").click()  # empty: the error summary appears
    assert page.get_by_role("alert").is_visible()
    page.get_by_label(re.compile(r"^Målet med dine ord")).fill("Jeg vil handle i butikken selv")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_label("Ønsket dato").fill("2027-05-01")
    page.get_by_role("button", name="Lagre").click()
    assert page.get_by_role("heading", name="Jeg vil handle i butikken selv").is_visible()

    goal = Goal.objects.get(title="Jeg vil handle i butikken selv")
    page.get_by_role("link", name="Nytt tiltak for «Jeg vil handle i butikken selv»").click()
    page.get_by_label(re.compile(r"^Tiltak")).fill("Følge til butikken")
    page.get_by_label("Tjeneste som utfører").select_option(label="Hjemmetjenesten")
    page.get_by_label("Ansvarlig").select_option(label="Nina Sykepleier")
    page.get_by_label("Omfang").fill("Én gang i uka")
    page.get_by_label("Frist eller sluttdato").fill("2027-03-01")
    page.get_by_role("button", name="Lagre").click()
    assert page.get_by_text("Følge til butikken", exact=True).is_visible()
    measure = Measure.objects.get(title="Følge til butikken")
    assert (measure.goal, measure.responsible.name, measure.organisation) == (
        goal,
        "Nina Sykepleier",
        people["home_care"],
    )
    assert_no_axe_violations(page)


@pytest.mark.parametrize("javascript", [True, False])
def test_goals_are_reordered_with_and_without_javascript(browser, live_server, people, javascript):
    plan = people["plan"]
    goal_create(plan=plan, title="Andre mål", acting_user=people["kari"])
    context = browser.new_context(java_script_enabled=javascript, locale="nb-NO")
    page = context.new_page()
    log_in(page, live_server.url, "kari", PASSWORD, totp_secret=people["secret"])
    page.goto(f"{live_server.url}/planer/{plan.pk}/")
    page.get_by_role("button", name="Flytt opp «Andre mål»").click()
    expect(page.locator(".goal-title").first).to_have_text("Andre mål")
    titles = list(Goal.objects.filter(plan=plan, parent=None).values_list("title", flat=True))
    assert titles == ["Andre mål", "Jeg vil klare meg selv hjemme"]
    if javascript:  # htmx swapped the list in place and kept keyboard focus on the goal
        assert page.evaluate("document.activeElement.textContent").startswith("Flytt ned")
    context.close()
