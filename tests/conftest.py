"""Personas and shared fixtures. Each persona is a real user in a real database.

The people (one municipality, "home", unless said otherwise):
"""

from __future__ import annotations

import datetime
import importlib
import os
import time
import uuid
from pathlib import Path

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import translation

from accounts.models import StaffMembership
from ipplan.breaker import broker_breaker, cache_breaker
from ipplan.celery import app as celery_app
from tests.clients import StagedLoginClient
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
    represent,
    staff,
    with_national_id,
)

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

Role = StaffMembership.Role
REQUIRE_SERVICES = os.environ.get("IPPLAN_REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Rate limits and used TOTP codes live in the cache: give every test its own key space."""
    caches = {alias: dict(conf) for alias, conf in settings.CACHES.items()}
    for conf in caches.values():
        conf["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the default language: a request in English (LocaleMiddleware
    activates it for the thread) must not make the next test's PDF or e-mail English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    """Stored files (uploads, archive copies, the readers' plan PDFs) never outlive a test."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _closed_breakers():
    """A Redis failure in one test must not make the next one skip Redis (ipplan/breaker.py)."""
    cache_breaker.reset()
    broker_breaker.reset()
    yield
    cache_breaker.reset()
    broker_breaker.reset()


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in the test process, unless a test is about the real worker and broker
    (marked `services`): then they go through Redis to a worker the test starts."""
    if request.node.get_closest_marker("services"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def client():
    """Django's test client whose `force_login(user)` stands for a login that went through every
    stage the account has: the password, and the second factor when one is enrolled (it writes
    allauth's authentication records into the session). `force_login(user, mfa=False)` makes
    a session that skipped the second factor."""
    return StagedLoginClient()


def totp_code(secret: str) -> str:
    """The code of the current period. Close to a period's end, wait for the next one: a code
    made in one period and checked in the next is refused (no tolerance), which made tests on a
    loaded machine fail now and then."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 3:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


@pytest.fixture
def municipality(db):
    """Fjordvik: where every persona below lives and works."""
    return MunicipalityFactory(name="Fjordvik kommune", slug="fjordvik")


@pytest.fixture
def other_municipality(db):
    """Bakkeby: a second municipality that must never see Fjordvik's data."""
    return MunicipalityFactory(name="Bakkeby kommune", slug="bakkeby")


@pytest.fixture
def home_care(municipality):
    return OrganisationFactory(municipality=municipality, name="Hjemmetjenesten")


@pytest.fixture
def owner(municipality):
    """Ingrid, 47: an adult with an individual plan."""
    user = UserFactory(
        username="ingrid", first_name="Ingrid", last_name="Haugen", home_municipality=municipality
    )
    return with_national_id(user, datetime.date(1979, 4, 12))


@pytest.fixture
def child(municipality):
    """Emma, 10: a child with a plan; she has no login of her own (no password, no ID-porten)."""
    user = UserFactory(
        username="emma", first_name="Emma", last_name="Berg", home_municipality=municipality
    )
    user.set_unusable_password()
    return with_national_id(user, datetime.date(2016, 2, 20))


@pytest.fixture
def guardian(child):
    """Lars: Emma's father, with parental responsibility."""
    user = UserFactory(username="lars", first_name="Lars", last_name="Berg")
    represent(child, user)
    return user


@pytest.fixture
def coordinator(municipality, home_care):
    """Kari: coordinator in home care, with TOTP."""
    return staff(
        Role.COORDINATOR,
        municipality,
        organisation=home_care,
        username="kari",
        first_name="Kari",
        last_name="Nilsen",
    )


@pytest.fixture
def case_handler(municipality):
    """Mona: case handler in the coordinating unit; sees cases, not plan contents."""
    return staff(
        Role.CASE_HANDLER, municipality, username="mona", first_name="Mona", last_name="Lie"
    )


@pytest.fixture
def administrator(municipality):
    """Ahmed: administers Fjordvik's services and users; no plan contents."""
    return staff(
        Role.ADMINISTRATOR, municipality, username="ahmed", first_name="Ahmed", last_name="Karimi"
    )


@pytest.fixture
def professional(municipality):
    """Per: NAV advisor, a service provider without any grant yet."""
    nav = OrganisationFactory(municipality=municipality, name="NAV Fjordvik")
    return staff(
        Role.PROFESSIONAL,
        municipality,
        organisation=nav,
        username="per",
        first_name="Per",
        last_name="Hansen",
    )


@pytest.fixture
def other_coordinator(other_municipality):
    """Jon: a coordinator in Bakkeby, the other municipality."""
    return staff(
        Role.COORDINATOR, other_municipality, username="jon", first_name="Jon", last_name="Dahl"
    )


@pytest.fixture
def stranger(db):
    """Siv: a citizen with no relation to anyone's plan."""
    return UserFactory(username="siv", first_name="Siv", last_name="Stranger")


@pytest.fixture
def plan(municipality, owner, coordinator):
    """Ingrid's active plan, coordinated by Kari."""
    return PlanFactory(municipality=municipality, owner=owner, coordinator=coordinator)


@pytest.fixture
def child_plan(municipality, child, coordinator):
    return PlanFactory(municipality=municipality, owner=child, coordinator=coordinator)


@pytest.fixture
def redis_url(settings):
    """The real Redis; mandatory where IPPLAN_REQUIRE_SERVICES=1 (CI)."""
    if not settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("REDIS_URL is not set but IPPLAN_REQUIRE_SERVICES=1 requires Redis.")
        pytest.skip("!!! SKIPPED: needs Redis (set REDIS_URL, as .ci/run does) !!!")
    return settings.REDIS_URL


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    loud = [r for r in skipped if "!!!" in str(r.longrepr)]
    if loud:
        terminalreporter.write_sep(
            "!",
            f"{len(loud)} tests needing Chromium or Redis were SKIPPED on this machine",
            red=True,
            bold=True,
        )


# --- The database role tests run as ----------------------------------------------------------
# Where IPPLAN_DB_APP_ROLE names a role (.ci/run), the test database is created and migrated as
# the owner (DATABASE_URL's user), migrate's post_migrate step grants that role exactly what
# production's app role gets (ipplan/db_roles.py), and every test in a rolled-back transaction
# then runs as it (`SET LOCAL ROLE`): the suite proves the application works without owning
# its tables. Transactional tests (browser, worker) stay the owner: between them the harness
# empties every table with TRUNCATE, which only the owner may do.
APP_ROLE = os.environ.get("IPPLAN_DB_APP_ROLE", "")
TRANSACTIONAL = {"transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture
def database_owner():
    """Request this in a test that must act as the owner of the tables (e.g. to create roles)."""


@pytest.fixture(autouse=True)
def _as_the_app_role(request):
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    uses_db = "db" in names or marker is not None
    transactional = bool(names & TRANSACTIONAL) or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    if not APP_ROLE or not uses_db or transactional or "database_owner" in names:
        return
    request.getfixturevalue("db")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(APP_ROLE)}")


# --- The legal references -------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _legal_references(request):
    """The legal references come from a data migration; a transactional test empties every
    table, so the tests after it get them back (as the migration writes them)."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if not ("db" in names or names & TRANSACTIONAL or marker is not None):
        return
    transactional = bool(names & TRANSACTIONAL) or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    seed_legal_references()


def seed_legal_references() -> None:
    from django.apps import apps

    from plans.models import LegalReference

    if not LegalReference.objects.exists():
        # Every data migration that writes legal references, in order.
        folder = Path(__file__).resolve().parent.parent / "plans" / "migrations"
        for path in sorted(folder.glob("0*_legal_reference_*.py")):
            module = importlib.import_module(f"plans.migrations.{path.stem}")
            if hasattr(module, "REFERENCES"):
                module.forwards(apps, None)
