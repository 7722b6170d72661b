"""Every demo persona walks its own main pages in Chromium, on a 360 px phone and a 1280 px
desktop, in bokmål and English (issue 16): no page may be wider than the window, and axe-core
finds no WCAG 2.1 A/AA violation.

One login per persona (the language is switched with the header's button, as a person would;
the width with the viewport), so the walk stays within a few minutes. The pages are found, not
listed: the links of the home page and its navigation, then the links of those pages, up to
`MAX_PAGES` per persona, HTML only (letters, PDFs and calendar files are downloads). Set
IPPLAN_SCREENSHOT_DIR to keep a full-page screenshot of every page at every width.
"""

from __future__ import annotations

import importlib
import io
import os
import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa import app_settings as mfa_settings
from django.apps import apps as django_apps
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.management.commands.demo_totp import current_code
from casework.models import ComplaintRule
from ipplan.celery import app as celery_app
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PERSONAS = (
    "innbygger",
    "foresatt",
    "soker",
    "koordinator",
    "nav",
    "laerer",
    "saksbehandler",
    "admin",
    "saksbehandler.bakkeby",
    "koordinator.bakkeby",
)
WIDTHS = (360, 1280)
LANGUAGES = ("nb", "en")
MAX_PAGES = 14
# Each persona must reach at least its home page and a few more (a broken login or an empty
# discovery must not pass the walk vacuously).
MIN_PAGES = 4
# Not pages: leaving, switching language, files, and the operators' Django admin.
SKIP = re.compile(r"^/(static/|media/|admin/|i18n/)|/logout/|\.(pdf|ics|csv)$")
ACCOUNT_PAGES = "/konto/"
LINKS_JS = """() => Array.from(
    document.querySelectorAll('header nav a[href], main a[href]'), a => a.href)"""


def _restore_migration_rows() -> None:
    """The rows the data migrations made (complaint rules, legal references), which an earlier
    transactional test's flush removed; seed_demo needs them."""
    if ComplaintRule.objects.exists():
        return
    first = importlib.import_module("coordination.migrations.0002_complaint_rules")
    for code, _law, weeks, description in first.RULES:
        ComplaintRule.objects.create(code=code, weeks=weeks, description=description)
    for module in (
        "plans.migrations.0007_legal_reference_seed",
        "casework.migrations.0003_legal_references",
    ):
        importlib.import_module(module).forwards(django_apps, None)


@pytest.fixture
def demo(settings):
    _restore_migration_rows()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        call_command("seed_demo", stdout=io.StringIO())
        yield
    finally:
        celery_app.conf.task_always_eager = eager


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/konto/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    page.wait_for_load_state()
    if page.locator("input[name=code]").count():
        left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
        if left < 4:  # a code from a period's last seconds may be checked in the next one
            time.sleep(left + 0.2)
        page.locator("input[name=code]").fill(current_code(username))
        page.locator("form:has(input[name=code]) button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


def _links(page, base_url: str) -> list[str]:
    origin = urlsplit(base_url).netloc
    found = []
    for href in page.evaluate(LINKS_JS):
        parts = urlsplit(href)
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc == origin and not SKIP.search(parts.path) and url not in found:
            found.append(url)
    return found


def _is_html(context, base_url: str, url: str) -> bool:
    response = context.request.get(base_url + url, max_redirects=0)
    return response.status == 200 and "text/html" in response.headers.get("content-type", "")


def _discover(page, context, base_url: str) -> list[str]:
    """The home page, its links (navigation first), then their links, breadth first; the
    account's own pages (password, sessions, second factor), the same for everyone, last."""
    pages = ["/"]
    queue, later = [], []
    seen = {"/"}

    def add(links):
        for link in links:
            if link not in seen:
                seen.add(link)
                (later if link.startswith(ACCOUNT_PAGES) else queue).append(link)

    add(_links(page, base_url))
    while (queue or later) and len(pages) < MAX_PAGES:
        url = (queue or later).pop(0)
        if not _is_html(context, base_url, url):
            continue
        pages.append(url)
        page.goto(base_url + url)
        add(_links(page, base_url))
    return pages


def _switch_language(page, base_url: str, language: str) -> None:
    page.goto(f"{base_url}/")
    if page.get_attribute("html", "lang") != language:
        page.locator(f"header form[action*='i18n'] button[lang={language}]").click()
        page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == language


def _check(page, base_url: str, url: str, width: int, language: str) -> list[str]:
    response = page.goto(base_url + url)
    where = f"{url} at {width} px ({language})"
    problems = []
    if response is None or response.status >= 400:
        problems.append(f"{where}: status {response.status if response else '-'}")
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        problems.append(f"{where}: the page is {wide} px wide")
    problems += [f"{where}: axe {v['id']} {v['nodes']}" for v in axe_violations(page)]
    return problems


def _screenshot(page, persona: str, url: str, width: int, language: str) -> None:
    folder = os.environ.get("IPPLAN_SCREENSHOT_DIR")
    if folder:
        name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
        path = os.path.join(folder, f"walk-{persona}-{name}-{language}-{width}.png")
        page.screenshot(path=path, full_page=True)


def test_every_persona_walks_its_pages_on_a_phone_and_a_desktop_in_both_languages(
    browser, live_server, demo
):
    base_url = live_server.url
    problems: list[str] = []
    walked: dict[str, int] = {}
    for persona in PERSONAS:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="nb-NO", timezone_id="Europe/Oslo"
        )
        page = context.new_page()
        _log_in(page, base_url, persona)
        pages = _discover(page, context, base_url)
        walked[persona] = len(pages)
        for language in LANGUAGES:
            _switch_language(page, base_url, language)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for url in pages:
                    problems += [
                        f"{persona}: {p}" for p in _check(page, base_url, url, width, language)
                    ]
                    _screenshot(page, persona, url, width, language)
        context.close()
    assert not problems, "\n".join(problems)
    assert all(count >= MIN_PAGES for count in walked.values()), walked
