"""A leak test that needs no knowledge of the routes (issue 9, point 10).

With the demo data (`manage.py seed_demo`), every demo persona logs in through the real login
(allauth's login form, then the second-factor form with a TOTP code where one is asked for), each
in its own test client with CSRF checks on, and crawls every same-origin GET link it can reach
from the home page: <a>, <link> and <area> hrefs, GET forms' actions and each choice they offer
(tests/crawler.py). Logout, the language switch and static files are not fetched; nothing else
is special. Then every URL one persona found is fetched as every other persona and anonymously.

"Text" (tests/crawler.py) is what a person reads in a response: text nodes and readable attribute
values (input values, titles, labels, alt texts) of HTML, the lines of a PDF (pypdf), the values
of an .ics file, the cells of a CSV file; whitespace-normalised, digits masked (so dates, times,
counts and ids never make two strings differ or a run flaky), at least twelve characters and two
words of three letters or more. The program's own words (every message in the translation
catalogues) and what anonymous pages show are nobody's data and are left out.

Who *sees* a string: the personas in whose own crawl it occurs, as whole words, anywhere (so a
goal title the owner reads in a sentence of the history and the coordinator in a form field is
seen by both). A string only one persona sees is *unique* to that persona. The rule: a string
seen by the personas S never appears in a response to a persona outside S. For |S| = 1 this is
the issue's rule (text only one persona sees on its own crawl never appears in another persona's
response); for larger S it also catches a participant reaching text that only the owner and the
coordinator share. Strings most personas see (more than half: the municipalities' and services'
names) are nobody's private data and are left out. Since every persona's crawl is complete (it
ends below `MAX_PAGES`), a string that reaches B although B's own crawl never met it came to B
by a URL B was not given: a leak, not legitimately shared text.

Also: each persona crawls at least `MIN_PAGES` pages and meets enough unique text (so a broken
login cannot pass the test vacuously); a URL naming an object (a numeric path segment) that B
never met on its own crawl answers B with 404, a login step, or a redirect to an object B met;
no crawled page fails with a 500; and crawling changes no rows but the logs (GET changes no
state).

Cross-fetching is bounded by two assumptions a leak would have to break first: once B is sent to
a login step for a path, the URLs below that path are not fetched as B (the same wall stands
there: the Django admin), and once B gets 404 for a path, its other query strings are not
fetched as B (a query string does not open a page).
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.translation import trans_real

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from ipplan.celery import app as celery_app
from tests.crawler import MIN_WORDS, WORD, Crawl, Page, crawl, log_in, normalise, read_response

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
ANONYMOUS = "anonymous"
MIN_PAGES = 12
MIN_UNIQUE_STRINGS = 3
MAX_PAGES = 250
# Rows a GET may add: the logs of who read what and of logins, and the sessions themselves.
LOG_MODELS = frozenset(
    {
        "consent.accesslogentry",
        "casework.caseaccesslogentry",
        "plans.familylogentry",
        "accounts.securityevent",
        "sessions.session",
        "usersessions.usersession",
    }
)
_OBJECT_PREFIX = re.compile(r"^(/(?:[^?]*?/)?\d+/)")

# The mark also makes pytest-django create the test database the module fixture uses.
pytestmark = pytest.mark.django_db


@dataclass
class Fetch:
    persona: str
    found_by: str
    page: Page
    location: str


@dataclass
class Result:
    crawls: dict[str, Crawl]
    anonymous: Crawl
    fetches: list[Fetch]
    counts_before: dict[str, int]
    counts_after: dict[str, int]


def _client() -> Client:
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def _row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in apps.get_models()}


def _is_login_step(location: str) -> bool:
    path = location.partition("?")[0]
    return path == reverse("account_login") or path.endswith("/login/")


def _cross_fetch(clients: dict[str, Client], crawls: dict[str, Crawl]) -> list[Fetch]:
    """Every URL some persona found, as every persona that did not find it itself."""
    found_by: dict[str, str] = {}
    for persona, persona_crawl in crawls.items():
        for url in persona_crawl.pages:
            found_by.setdefault(url, persona)
    urls = sorted(found_by, key=lambda url: (url.count("/"), "?" in url, url))
    fetches = []
    for persona, client in clients.items():
        walls: list[str] = []
        missing: set[str] = set()
        for url in urls:
            path = url.partition("?")[0]
            if url in crawls[persona].pages or path in missing:
                continue
            if any(url.startswith(wall) for wall in walls):
                continue
            response = client.get(url)
            location = response.get("Location", "")
            fetches.append(Fetch(persona, found_by[url], read_response(url, response), location))
            if response.status_code == 404:
                missing.add(path)
            login_wall = response.status_code in (301, 302) and _is_login_step(location)
            if login_wall and path != "/":
                walls.append(path)
    return fetches


@pytest.fixture(scope="module")
def crawled(django_db_setup, django_db_blocker):
    """Seed, log in and crawl as everyone, then cross-fetch, in one transaction rolled back at
    the end. A fast password hasher and a cache of its own (used TOTP codes, rate limits)
    change nothing in the flows."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            CACHES={
                alias: {**conf, "KEY_PREFIX": f"crawl-{uuid.uuid4().hex}"}
                for alias, conf in settings.CACHES.items()
            },
        ),
        transaction.atomic(),
    ):
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            call_command("seed_demo", stdout=io.StringIO())
            skip = (reverse("account_logout"), reverse("set_language"), settings.STATIC_URL)
            clients: dict[str, Client] = {ANONYMOUS: _client()}
            anonymous = crawl(
                clients[ANONYMOUS],
                ANONYMOUS,
                start=("/", reverse("account_login")),
                skip=skip,
                max_pages=MAX_PAGES,
            )
            counts_before = _row_counts()
            crawls: dict[str, Crawl] = {ANONYMOUS: anonymous}
            for persona in PERSONAS:
                client = clients[persona] = _client()
                user = User.objects.get(username=persona)
                log_in(client, username=persona, password=DEMO_PASSWORD, user_pk=user.pk)
                crawls[persona] = crawl(client, persona, skip=skip, max_pages=MAX_PAGES)
            counts_after = _row_counts()
            fetches = _cross_fetch(clients, crawls)
            del crawls[ANONYMOUS]
            yield Result(crawls, anonymous, fetches, counts_before, counts_after)
        finally:
            celery_app.conf.task_always_eager = eager
            transaction.set_rollback(True)


def _ui_strings() -> set[str]:
    """The program's own words: every message in the translation catalogues (the bokmål msgids
    of ipplan, the bokmål translations of Django's and allauth's messages)."""
    strings = set()
    for language in ("en", "nb"):
        for key, value in trans_real.translation(language)._catalog.items():
            if isinstance(key, str):
                strings.add(normalise(key if language == "en" else value))
    return strings


_SEPARATORS = re.compile(r"\s[–—|-]\s|:\s")


def _is_ui(text: str, ui: set[str]) -> bool:
    """A message of the program, or messages and single words joined by dashes or colons (a
    page title "Mine saker – ipplan")."""
    return all(
        normalise(part) in ui or len(WORD.findall(part)) < MIN_WORDS
        for part in _SEPARATORS.split(text)
    )


class Haystack:
    """All text of some responses, searchable for whole-word occurrences of a string."""

    def __init__(self, pages):
        self.text = "\n\n".join(page.haystack for page in pages)
        self.words = set(WORD.findall(self.text))

    def has(self, text: str, words: frozenset[str]) -> bool:
        return (
            words <= self.words
            and text in self.text
            and re.search(rf"(?<!\w){re.escape(text)}(?!\w)", self.text) is not None
        )


def _seen_by(result: Result) -> dict[str, frozenset[str]]:
    """Each string some persona's own crawl met -> every persona whose own crawl holds it;
    without the program's own words, anonymous text and what most personas see (the names of
    the municipalities and their services: nobody's private data)."""
    ui = _ui_strings()
    anonymous = Haystack(result.anonymous.pages.values())
    haystacks = {p: Haystack(c.pages.values()) for p, c in result.crawls.items()}
    met: dict[str, set[str]] = {}
    for persona, persona_crawl in result.crawls.items():
        for text in persona_crawl.texts - result.anonymous.texts:
            met.setdefault(text, set()).add(persona)
    seen = {}
    for text, personas in met.items():
        words = frozenset(WORD.findall(text))
        if _is_ui(text, ui) or anonymous.has(text, words):
            continue
        personas |= {p for p, h in haystacks.items() if p not in personas and h.has(text, words)}
        if len(personas) <= len(PERSONAS) // 2:
            seen[text] = frozenset(personas)
    return seen


def test_every_persona_logs_in_for_real_and_crawls_enough_pages(crawled):
    unique = [personas for personas in _seen_by(crawled).values() if len(personas) == 1]
    for persona, persona_crawl in crawled.crawls.items():
        pages = sorted(persona_crawl.pages)
        assert len(pages) >= MIN_PAGES, f"{persona} reached only {len(pages)} pages: {pages}"
        assert not persona_crawl.capped, f"{persona}'s crawl reached the cap of {MAX_PAGES}"
        assert sum(persona in p for p in unique) >= MIN_UNIQUE_STRINGS, (
            f"{persona} sees almost nothing of its own"
        )


def test_no_persona_meets_text_only_others_see(crawled):
    seen = {
        text: (personas, frozenset(WORD.findall(text)))
        for text, personas in _seen_by(crawled).items()
    }
    leaks = []
    for fetch in crawled.fetches:
        response = Haystack([fetch.page])
        for text, (personas, words) in seen.items():
            if fetch.persona in personas:
                continue
            if response.has(text, words):
                leaks.append(
                    f"{fetch.page.url} (found by {fetch.found_by}) as {fetch.persona} "
                    f"({fetch.page.status}): «{text}», seen only by {', '.join(sorted(personas))}"
                )
    assert not leaks, f"{len(leaks)} leaks:\n" + "\n".join(sorted(leaks))


def test_urls_naming_objects_a_persona_never_met_answer_404(crawled):
    met = {
        persona: {m[1] for url in c.pages if (m := _OBJECT_PREFIX.match(url))}
        for persona, c in crawled.crawls.items()
    }
    wrong = []
    for fetch in crawled.fetches:
        prefix = _OBJECT_PREFIX.match(fetch.page.url)
        if prefix is None or prefix[1] in met.get(fetch.persona, ()):
            continue
        status, location = fetch.page.status, fetch.location
        if status == 404 or (status == 302 and _is_login_step(location)):
            continue
        target = _OBJECT_PREFIX.match(location)
        if status == 302 and target and target[1] in met.get(fetch.persona, ()):
            continue
        wrong.append(f"{fetch.page.url} as {fetch.persona}: {status} {location}")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_page_fails(crawled):
    pages = [(p, page) for p, c in crawled.crawls.items() for page in c.pages.values()]
    pages += [(f.persona, f.page) for f in crawled.fetches]
    failures = {
        f"{page.url} as {persona}: {page.status}" for persona, page in pages if page.status >= 500
    }
    assert not failures, "\n".join(sorted(failures))


def test_crawling_changes_nothing_but_the_logs(crawled):
    changed = {
        label
        for label, count in crawled.counts_after.items()
        if count != crawled.counts_before.get(label)
    }
    assert changed <= LOG_MODELS, sorted(changed - LOG_MODELS)
