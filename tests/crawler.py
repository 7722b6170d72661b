"""A small same-origin crawler over Django's test client, for tests that need no knowledge of
the routes: log in through the real login form (and the second-factor step), follow every GET
link, and reduce each response to the strings a person reads on it.

"Text" (see `Page.texts`) is what a reader sees, not markup: the text nodes of an HTML page
(outside <script>, <style> and <template>), the lines of a PDF (pypdf), the property values of an
.ics file, the cells of a CSV file, the lines of any other text response. Each string is
whitespace-normalised and its digits masked (`#`), so dates, times, counts and ids never make a
string differ between two fetches; only strings with at least `MIN_WORDS` words of at least three
letters count, so bare dates, numbers and one-word labels are left out.

`Page.haystack` is everything a reader could find in the response, including attribute values
that show up on screen or to a screen reader (input values, titles, labels, alt texts): it is
what another persona's strings are searched for in.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from allauth.mfa import app_settings as mfa_settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.management.commands.demo_totp import current_code

MIN_LENGTH = 12
MIN_WORDS = 2
WORD = re.compile(r"[^\W\d_]{3,}")
_DIGITS = re.compile(r"\d")
# Attributes whose values a person reads (on screen or through a screen reader).
_READABLE_ATTRIBUTES = frozenset({"value", "title", "alt", "aria-label", "placeholder", "content"})
_SKIPPED_ELEMENTS = frozenset({"script", "style", "template"})
_LINK_ELEMENTS = {"a": "href", "link": "href", "area": "href"}
_VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def normalise(text: str) -> str:
    """Whitespace collapsed, digits masked, punctuation and symbols at either end dropped
    (quotes, arrows, colons), so «Title», "← Title" and "Title:" are the same text."""
    return _EDGES.sub("", _DIGITS.sub("#", " ".join(text.split())))


def meaningful(text: str) -> bool:
    return len(text) >= MIN_LENGTH and len(WORD.findall(text)) >= MIN_WORDS


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: list[tuple[str, str]] = field(default_factory=list)

    def get_targets(self, base: str) -> list[str]:
        """A GET form's action as it is, and with each choice it offers (one at a time)."""
        action = self.action or base.partition("?")[0]
        return [action] + [f"{action}?{urlencode({name: value})}" for name, value in self.choices]


class _HtmlReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.attribute_texts: list[str] = []
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._skip_depth = 0
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag in _SKIPPED_ELEMENTS:
            self._skip_depth += 1
        if tag in _LINK_ELEMENTS and values.get(_LINK_ELEMENTS[tag]):
            self.links.append(values[_LINK_ELEMENTS[tag]])
        if tag == "form":
            self.forms.append(Form(values.get("action", ""), values.get("method", "get").lower()))
        if tag in ("input", "textarea", "select", "button") and self.forms and values.get("name"):
            self.forms[-1].fields.setdefault(values["name"], values.get("value", ""))
        if tag == "select":
            self._select = values.get("name")
        if self.forms and self.forms[-1].method == "get":
            choice = None
            if tag == "option" and self._select and values.get("value"):
                choice = (self._select, values["value"])
            if (
                tag == "input"
                and values.get("type") in ("radio", "checkbox")
                and values.get("name")
            ):
                choice = (values["name"], values.get("value", "on"))
            if choice:
                self.forms[-1].choices.append(choice)
        if tag == "input" and values.get("type", "").lower() == "hidden":
            return
        for name, value in values.items():
            if name in _READABLE_ATTRIBUTES and value:
                self.attribute_texts.append(value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIPPED_ELEMENTS:
            self._skip_depth -= 1

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag in _SKIPPED_ELEMENTS and self._skip_depth:
            self._skip_depth -= 1

    def handle_data(self, data):
        if not self._skip_depth and data.strip():
            self.texts.append(data)


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    texts: set[str] = field(default_factory=set)
    haystack: str = ""
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    seconds: float = 0.0


def _lines_of_ics(body: str) -> list[str]:
    unfolded = re.sub(r"\r?\n[ \t]", "", body)
    values = []
    for line in unfolded.splitlines():
        _, _, value = line.partition(":")
        values.append(value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";"))
    return values


def read_response(url: str, response) -> Page:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    page = Page(url=url, status=response.status_code, content_type=content_type)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    strings: list[str] = []
    extra: list[str] = []
    if content_type == "application/pdf":
        try:
            reader = PdfReader(io.BytesIO(body))
            text = "\n".join(p.extract_text() or "" for p in reader.pages)
        except Exception as error:  # a broken PDF is itself a finding, shown as such
            text = f"UNREADABLE PDF: {error}"
        strings = text.splitlines()
        extra = [text]
    elif content_type == "text/html":
        reader = _HtmlReader()
        reader.feed(body.decode(response.charset or "utf-8", "replace"))
        reader.close()
        strings = reader.texts + reader.attribute_texts
        page.links, page.forms = reader.links, reader.forms
    elif content_type == "text/calendar":
        strings = _lines_of_ics(body.decode("utf-8", "replace"))
    elif content_type == "text/csv":
        decoded = body.decode("utf-8-sig", "replace")
        strings = [cell for row in csv.reader(io.StringIO(decoded)) for cell in row]
        strings += [cell for row in csv.reader(io.StringIO(decoded), delimiter=";") for cell in row]
    elif content_type.startswith("text/") or content_type.endswith("json"):
        strings = body.decode("utf-8", "replace").splitlines()
    normalised = [normalise(s) for s in strings]
    page.texts = {s for s in normalised if meaningful(s)}
    page.haystack = "\n".join([*normalised, *(normalise(s) for s in extra)])
    return page


def same_origin_path(base: str, href: str) -> str | None:
    """The local path (with query) that `href` on the page at `base` points to, or None."""
    href = href.strip()
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin("http://testserver" + base, href)
    absolute, _ = urldefrag(absolute)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def wait_for_fresh_totp_window(margin: float = 3.0) -> None:
    """A code typed in the last seconds of its period may expire before it is checked."""
    remaining = mfa_settings.TOTP_PERIOD - (time.time() % mfa_settings.TOTP_PERIOD)
    if remaining < margin:
        time.sleep(remaining + 0.1)


def _post_form(client: Client, page: Page, form: Form, values: dict[str, str]):
    data = {**form.fields, **values}
    target = same_origin_path(page.url, form.action or page.url)
    assert target, f"the form on {page.url} posts away from the site: {form.action!r}"
    return client.post(target, data, follow=True)


def log_in(client: Client, *, username: str, password: str, user_pk: int) -> None:
    """The real login: the login page's form, then the second-factor form if one is asked for,
    each posted with its CSRF token; asserts that the session now belongs to the user."""
    login_url = reverse("account_login")
    page = read_response(login_url, client.get(login_url))
    form = next(f for f in page.forms if f.method == "post" and "password" in f.fields)
    response = _post_form(client, page, form, {"login": username, "password": password})
    final_url = response.redirect_chain[-1][0] if response.redirect_chain else login_url
    page = read_response(same_origin_path("/", final_url), response)
    mfa_form = next((f for f in page.forms if f.method == "post" and "code" in f.fields), None)
    if mfa_form is not None:
        wait_for_fresh_totp_window()
        response = _post_form(client, page, mfa_form, {"code": current_code(username)})
    assert str(client.session.get(SESSION_KEY)) == str(user_pk), (
        f"{username} is not logged in after the login form"
        + (" and the TOTP step" if mfa_form is not None else "")
        + f" (last page {response.status_code} {response.redirect_chain})"
    )


@dataclass
class Crawl:
    persona: str
    pages: dict[str, Page] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    capped: bool = False

    @property
    def texts(self) -> set[str]:
        return set().union(*(p.texts for p in self.pages.values()))


def crawl(
    client: Client,
    persona: str,
    *,
    start: tuple[str, ...] = ("/",),
    skip: tuple[str, ...] = (),
    max_pages: int,
    max_query_variants: int = 8,
) -> Crawl:
    """Breadth-first over same-origin GET links (<a>, <link>, <area> and GET forms' actions),
    following redirects within the site. URLs starting with a `skip` prefix are not fetched;
    at most `max_query_variants` query strings per path and `max_pages` pages in all."""
    result = Crawl(persona)
    queue = list(start)
    seen = set(queue)
    variants: dict[str, set[str]] = {}
    while queue:
        url = queue.pop(0)
        if len(result.pages) >= max_pages:
            result.capped = True
            break
        started = time.monotonic()
        response = client.get(url, follow=True)
        page = read_response(url, response)
        page.seconds = time.monotonic() - started
        result.pages[url] = page
        base = url
        for location, _ in response.redirect_chain:
            base = same_origin_path(base, location) or base
        hrefs = list(page.links)
        hrefs += [t for f in page.forms if f.method == "get" for t in f.get_targets(base)]
        hrefs += [location for location, _ in response.redirect_chain]
        for href in hrefs:
            target = same_origin_path(base, href)
            if target is None or target in seen:
                continue
            seen.add(target)
            path, _, query = target.partition("?")
            if any(target.startswith(prefix) for prefix in skip):
                result.skipped.add(target)
                continue
            if query:
                shape = variants.setdefault(_DIGITS.sub("#", path), set())
                if len(shape) >= max_query_variants:
                    result.skipped.add(target)
                    continue
                shape.add(target)
            queue.append(target)
    return result
