"""The owner reads her access log on a 360 px phone in both languages: a day heading, one
plain sentence per person, nothing sideways, the filter folded away until she wants it."""

import os

import pytest
from django.urls import reverse

from consent.models import AccessLogEntry
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.browser.test_plan_pages import people  # noqa: F401 (fixture)
from tests.clients import StagedLoginClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nb": ("I dag", "Kari Nilsen, koordinator i Hjemmetjenesten,", "så hele planen din", "som PDF"),
    "en": (
        "Today",
        "Kari Nilsen, coordinator at Hjemmetjenesten,",
        "saw your whole plan",
        "as a PDF",
    ),
}


def fits_the_screen(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [360, 1280])
def test_the_owner_reads_who_looked_on_a_phone_and_a_desktop(
    browser,
    live_server,
    people,  # noqa: F811
    tmp_path,
    width,
):
    plan, kari = people["plan"], people["kari"]
    coordinator = StagedLoginClient()
    coordinator.force_login(kari)
    for name in ("plans:detail", "plans:notes", "plans:history", "plans:pdf"):
        assert coordinator.get(reverse(name, args=[plan.pk])).status_code == 200

    phone = width == 360
    context = browser.new_context(
        viewport={"width": width, "height": 780 if phone else 900},
        locale="nb-NO",
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    log_in(page, live_server.url, "ingrid", PASSWORD)
    url = f"{live_server.url}/planer/{plan.pk}/tilgangslogg/"
    shots = os.environ.get("IPPLAN_SCREENSHOT_DIR") or str(tmp_path)
    for language in ("nb", "en"):
        page.goto(url)
        if language == "en":
            page.locator("header").get_by_role("button", name="English").click()
            page.wait_for_load_state()
        today, who, saw, pdf = WORDS[language]
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator(".log-day-heading").first.inner_text().startswith(today)
        lines = page.locator(".log-line")
        assert lines.count() == 1  # her writes, three page views, a PDF: one person, one day
        line = " ".join(lines.first.inner_text().split())
        assert line.startswith(who) and saw in line and pdf in line
        assert not page.locator(".log-filter").is_visible()  # folded until asked for
        fits_the_screen(page, width)
        assert_no_axe_violations(page)
        page.screenshot(
            path=os.path.join(shots, f"access-log-{width}-{language}.png"), full_page=True
        )
        # Unfold one person's steps and the filter, and ask for an impossible period.
        lines.first.locator("summary").click()
        karis = AccessLogEntry.objects.filter(plan=plan, actor=kari).count()  # her writes too
        assert lines.first.locator(".log-steps li").count() == karis >= 4
        page.locator(".log-filter-box summary").click()
        page.locator("#id_date_from").fill("2026-05-10")
        page.locator("#id_date_to").fill("2026-05-01")
        page.locator(".log-filter button[type=submit]").click()
        summary = page.locator(".ds-error-summary")
        assert summary.is_visible() and page.locator(".log-filter").is_visible()
        fits_the_screen(page, width)
        assert_no_axe_violations(page)
        page.screenshot(
            path=os.path.join(shots, f"access-log-{width}-{language}-bad-period.png"),
            full_page=True,
        )
        if language == "en":
            page.locator("header").get_by_role("button", name="Norsk (bokmål)").click()
            page.wait_for_load_state()
    context.close()
