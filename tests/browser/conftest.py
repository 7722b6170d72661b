"""Real Chromium (Debian's /usr/bin/chromium) through pytest-playwright; never `playwright
install`. Mandatory where IPPLAN_REQUIRE_BROWSER=1 (CI); a loud skip elsewhere."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from allauth.mfa import app_settings as mfa_settings

CHROMIUM = os.environ.get("IPPLAN_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("IPPLAN_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"Chromium is required here (IPPLAN_REQUIRE_BROWSER=1): {CHROMIUM} missing")
        pytest.skip(
            f"!!! BROWSER TESTS SKIPPED: {CHROMIUM} not found (apt-get install chromium) !!!"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nb-NO", "timezone_id": "Europe/Oslo"}


def axe_violations(page) -> list[dict]:
    """Run axe-core (from npm) in the page, WCAG 2.0/2.1 A and AA rules."""
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_no_axe_violations(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def log_in(page, base_url, username, password, totp_secret=None):
    """Through the real login form, and the second-factor form for staff."""
    from tests.conftest import totp_code

    page.goto(f"{base_url}/konto/login/")
    page.get_by_label(re.compile(r"^Brukernavn eller e-post")).fill(username)
    page.get_by_label(re.compile(r"^Passord")).fill(password)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    if totp_secret is not None:
        # A code made in the last seconds of its 30 s period may be checked in the next one
        # (allauth accepts no drift): wait for a fresh period rather than flake.
        left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
        if left < 4:
            time.sleep(left + 0.2)
        page.locator("input[name=code]").fill(totp_code(totp_secret))
        page.locator("input[name=code]").press("Enter")
    page.wait_for_url(f"{base_url}/")
