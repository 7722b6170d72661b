"""The owner reads her access log on a 360 px phone: one line per visit, nothing sideways."""

import os

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.browser.test_plan_pages import people  # noqa: F401 (fixture)
from tests.clients import StagedLoginClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_owner_reads_who_looked_on_a_360_px_phone(browser, live_server, people, tmp_path):  # noqa: F811
    plan, kari = people["plan"], people["kari"]
    coordinator = StagedLoginClient()
    coordinator.force_login(kari)
    for name in ("plans:detail", "plans:notes", "plans:history", "plans:pdf"):
        assert coordinator.get(reverse(name, args=[plan.pk])).status_code == 200

    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="nb-NO", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    log_in(page, live_server.url, "ingrid", PASSWORD)
    page.goto(f"{live_server.url}/planer/{plan.pk}/tilgangslogg/")
    visits = page.locator(".log-visit")
    assert visits.count() == 1
    line = " ".join(visits.first.inner_text().split())
    assert "Kari Nilsen, koordinator, Hjemmetjenesten" in line
    assert "leste Om meg, Mål, Tiltak" in line and "lastet ned som PDF" in line
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_axe_violations(page)
    shots = os.environ.get("IPPLAN_SCREENSHOT_DIR") or str(tmp_path)
    page.screenshot(path=os.path.join(shots, "access-log-360.png"), full_page=True)
    context.close()
