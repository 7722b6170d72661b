"""Min plan on a 360 px phone, in both languages: Mina (13) reads her own goals first, with
nothing sideways, and axe finds nothing; a withheld goal carries its mark for her."""

import datetime
import os

import pytest
from django.utils import timezone

from plans.services.goals import goal_create
from plans.services.measures import measure_create
from plans.services.participants import participant_add
from plans.services.withheld import item_withhold_decide
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import PASSWORD, PlanFactory, UserFactory, represent, with_national_id

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nb": ("Målene dine", "Hvem som hjelper deg", "Foreldrene dine ser ikke dette"),
    "en": ("Your goals", "Who helps you", "Your parents do not see this"),
}


@pytest.fixture
def mina_plan(municipality, coordinator):
    today = timezone.localdate()
    mina = with_national_id(
        UserFactory(username="mina", first_name="Mina", last_name="Dahl"),
        today.replace(year=today.year - 13) - datetime.timedelta(days=40),
    )
    represent(mina, UserFactory(username="tone", first_name="Tone", last_name="Dahl"))
    plan = PlanFactory(municipality=municipality, owner=mina, coordinator=coordinator)
    goal_create(plan=plan, title="Jeg vil begynne på håndball igjen", acting_user=mina)
    talks = goal_create(
        plan=plan, title="Jeg vil ha noen å snakke med når jeg er lei meg", acting_user=coordinator
    )
    nurse = participant_add(
        plan=plan,
        name="Heidi Moe",
        role="service_provider",
        title="Helsesykepleier",
        contribution="Samtaler med Mina på skolen",
        acting_user=coordinator,
    )
    measure_create(
        plan=plan,
        goal=talks,
        title="Samtaler med helsesykepleier hver uke",
        responsible=nurse,
        start_date=today + datetime.timedelta(days=5),
        acting_user=coordinator,
    )
    item_withhold_decide(
        item=talks, withheld=True, reason="Mina ba om det", acting_user=coordinator
    )
    return plan


def test_mina_reads_min_plan_on_a_phone_in_both_languages(
    browser, live_server, mina_plan, tmp_path
):
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="nb-NO", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    log_in(page, live_server.url, "mina", PASSWORD)
    shots = os.environ.get("IPPLAN_SCREENSHOT_DIR") or str(tmp_path)
    for language in ("nb", "en"):
        page.goto(f"{live_server.url}/planer/{mina_plan.pk}/min-plan/")
        if language == "en":
            page.locator("header").get_by_role("button", name="English").click()
            page.goto(f"{live_server.url}/planer/{mina_plan.pk}/min-plan/")
        text = page.locator("main").inner_text()
        for words in WORDS[language]:
            assert words in text, (language, words)
        assert text.index("håndball") < text.index("lei meg")  # her own goal first
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_no_axe_violations(page)
        page.screenshot(path=f"{shots}/min-plan-360-{language}.png", full_page=True)
    context.close()
