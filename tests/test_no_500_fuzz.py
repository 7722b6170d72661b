"""No 500 from any input (issue 9, point 9): generated values (huge and negative numbers, words,
other scripts, NUL bytes, very long text, the first and last dates a computer knows) go into every
form field and query parameter of every URL, as every persona of the demo. Nothing may answer
500, a GET or an answer of 4xx (a refusal, or a form shown again with its errors) changes
nothing in the database, and every answer carries the permissions policy and no messages cookie.

Kept bounded for CI: the demo is seeded once; (persona, URL) pairs where the persona gets 404 on
a plain GET are left to the access matrices (they prove a POST there is a 404 too); hypothesis
draws FUZZ_EXAMPLES rounds of values for all pairs, derandomized and without an example database.
Set IPPLAN_FUZZ_EXAMPLES to run more rounds locally."""

from __future__ import annotations

import io
import os
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from tests.factories import UserFactory
from tests.urlwalk import Route, all_routes

pytestmark = pytest.mark.django_db

FUZZ_EXAMPLES = int(os.environ.get("IPPLAN_FUZZ_EXAMPLES", "2"))
PERSONAS = {
    "owner": "innbygger",
    "guardian": "foresatt",
    "coordinator": "koordinator",
    "case handler": "saksbehandler",
    "administrator": "admin",
    "participant": "nav",
    "stranger": "fremmed",
}
# Not walked: the Django admin (operators only; its own tests), logging out (ends the session the
# walk runs in) and the ID-porten redirects (they leave the site).
SKIPPED_PREFIXES = ("admin:",)
SKIPPED = {"account_logout", "openid_connect_login", "openid_connect_callback"}
# Query parameters the views read, beyond those found in links and GET forms.
KNOWN_QUERY = ("page", "goal", "measure", "parent", "closed", "papir", "etter", "status", "next")
# Logs that a refused request is meant to write (denied access, security events, sessions).
GROWS_ON_REFUSAL = {
    "consent.accesslogentry",
    "casework.caseaccesslogentry",
    "plans.familylogentry",
    "accounts.securityevent",
    "sessions.session",
    "usersessions.usersession",
}

NASTY = [
    "9" * 30,
    "",
    "0",
    "-1",
    "-" + "9" * 30,
    str(2**63),
    str(2**31),
    "1e309",
    "NaN",
    "abc",
    "²",
    "١٢٣",
    "\x00",
    "a\x00b",
    "ℌ𝔢𝔦 ☃ 😀",
    "x" * 20000,
    "0001-01-01",
    "9999-12-31",
    "31.12.9999",
    "9999-12-31T23:59",
    "²_1",
    "1234567890²",
    "goal:²",
    "1_" + "9" * 30,
    "23:59",
    "99:99",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    " ",
]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
    st.dates().map(lambda d: d.isoformat()),
)


class _Fields(HTMLParser):
    """Names of the form fields on a page, by the form's method and target path."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: list[tuple[str, str, dict[str, str]]] = []
        self.links: set[str] = set()
        self._current: tuple[str, str, dict[str, str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.page_path).path or self.page_path
            self._current = ((attrs.get("method") or "get").lower(), action, {})
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current and attrs.get("name"):
            name = attrs["name"]
            if name != "csrfmiddlewaretoken":
                self._current[2][name] = (attrs.get("type") or tag).lower()
        elif tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _ids() -> dict[str, str]:
    """An existing object for every kind of id in a URL, all from one plan and one case."""
    model = apps.get_model
    plan = model("plans", "Plan").objects.filter(owner__username="innbygger").first()
    plan = plan or model("plans", "Plan").objects.first()
    case = model("casework", "Case").objects.order_by("-pk").first()

    def first(label, **filters):
        row = model(*label.split(".")).objects.filter(**filters).order_by("pk").first()
        return str(row.pk) if row else "1"

    meeting = first("coordination.Meeting", plan=plan)
    return {
        "plan_id": str(plan.pk),
        "goal_id": first("plans.Goal", plan=plan),
        "measure_id": first("plans.Measure", plan=plan),
        "note_id": first("plans.ProgressNote", plan=plan),
        "participant_id": first("plans.Participant", plan=plan),
        "need_id": first("plans.CooperationNeed", plan=plan),
        "subplan_id": first("plans.SubPlan", plan=plan),
        "record_id": first("plans.ArchiveRecord", plan=plan),
        "handover_id": first("plans.CoordinatorHandover"),
        "meeting_id": meeting,
        "point_id": first("coordination.ActionPoint", minutes__meeting_id=meeting),
        "thread_id": first("coordination.MessageThread", plan=plan),
        "case_id": str(case.pk) if case else "1",
        "decision_id": first("casework.Decision", case=case),
        "letter_id": first("casework.Letter"),
        "complaint_id": first("complaints.Complaint"),
        "membership_id": first("accounts.StaffMembership"),
        "token": first("consent.Invitation"),
    }


SLOT = "__id__"


def _path(route: Route, ids: dict[str, str]) -> str:
    """The route with each id filled in, in the order the route names them."""
    path = route.path
    for name in route.kwargs:
        path = path.replace(SLOT, ids.get(name, "1"), 1)
    return path


def _counts() -> dict[str, int]:
    models = [
        m
        for m in apps.get_models()
        if m._meta.label_lower not in GROWS_ON_REFUSAL and not m._meta.proxy and m._meta.managed
    ]
    tables = sorted({m._meta.db_table for m in models})
    # Table names come from Django's model registry, quoted by the backend.
    counts = [f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables]  # noqa: S608
    sql = "SELECT " + ", ".join(counts)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


@pytest.fixture
def world(client):
    call_command("seed_demo", stdout=io.StringIO())
    UserFactory(username="fremmed", first_name="Siv", last_name="Fremmed")
    users = {p: User.objects.get(username=u) for p, u in PERSONAS.items()}
    ids = _ids()
    routes = [
        r
        for r in all_routes(sample=SLOT)
        if r.name not in SKIPPED and not r.name.startswith(SKIPPED_PREFIXES)
    ]
    targets = []  # (persona, route, path, post fields, query names)
    client.raise_request_exception = False
    for persona, user in users.items():
        client.force_login(user)
        found: dict[str, tuple[dict[str, str], set[str]]] = {}
        reachable = []
        for route in routes:
            path = _path(route, ids)
            response = client.get(path)
            _check_response(response, (persona, path))
            if response.status_code == 404:
                continue
            reachable.append((route, path))
            if "html" not in response.get("Content-Type", ""):
                continue
            parser = _Fields(path)
            parser.feed(response.content.decode(errors="replace"))
            for method, action, fields in parser.forms:
                post, query = found.setdefault(action, ({}, set()))
                (post.update(fields) if method == "post" else query.update(fields))
            for href in parser.links:
                split = urlsplit(href)
                if split.query:
                    post, query = found.setdefault(split.path or path, ({}, set()))
                    query.update(k for k, _v in parse_qsl(split.query, keep_blank_values=True))
        for route, path in reachable:
            post, query = found.get(path, ({}, set()))
            targets.append(
                (persona, route.name, path, dict(post), sorted(query | set(KNOWN_QUERY)))
            )
    assert len({t[1] for t in targets}) >= 60, "the walk lost URLs"
    return users, targets


def _payload(fields: dict[str, str], draw) -> dict:
    data = {}
    for name, kind in fields.items():
        value = draw(VALUES)
        if kind == "file":
            data[name] = SimpleUploadedFile("f.pdf", value.encode("utf-8", "replace") or b"x")
        elif kind == "checkbox" or name.endswith("s"):
            data[name] = [value, draw(VALUES)]
        else:
            data[name] = value
    return data


FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _check_response(response, what) -> None:
    """No 500, no flash-message cookie, the permissions policy on every answer."""
    assert response.status_code < 500, what
    assert "messages" not in response.cookies, what
    assert "camera=()" in response.get("Permissions-Policy", ""), what


def _unchanged(counts: dict, what) -> None:
    after = _counts()
    changed = {t: (counts["now"][t], n) for t, n in after.items() if counts["now"][t] != n}
    assert not changed, (*what, changed)


def _fuzz_page(client, user, counts, target) -> None:
    persona, name, path, post, query = target
    client.force_login(user)

    @FUZZ
    @given(st.data())
    def values_for_this_page(data):
        params = {q: data.draw(VALUES, label=q) for q in query}
        response = client.get(path, params)
        _check_response(response, (persona, name, path, params))
        _unchanged(counts, (persona, name, "GET", path, params))  # GET never changes state
        response = client.post(path, _payload(post, data.draw))
        _check_response(response, (persona, name, "POST", path))
        if 400 <= response.status_code < 500:
            _unchanged(counts, (persona, name, "POST", path, response.status_code))
        else:
            counts["now"] = _counts()
        # A POST may have ended the session (a password change, say): log in again.
        if "_auth_user_id" not in client.session:
            client.force_login(user)

    values_for_this_page()


def test_no_input_gives_a_500_and_a_refusal_changes_nothing(client, world):
    users, targets = world
    client.raise_request_exception = False
    counts = {"now": _counts()}
    for target in targets:
        _fuzz_page(client, users[target[0]], counts, target)
