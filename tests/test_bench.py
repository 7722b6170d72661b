"""`make bench` (bench/): the floor exists only in the bench's URLconf, the seeds make what they
say (at a tiny scale), and the figures are computed and formatted as documented. Nothing here
is timed: benchmarks never are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from accounts.models import Municipality, StaffMembership, User
from bench import report
from bench.measure import SQL_VIEWS, measure_view
from bench.pages import FLOOR_PATH
from bench.seed import LARGE_OWNER, LargeCounts, XLCounts, seed_large, seed_xl
from casework.models import Case
from consent.models import AccessGrant, AccessLogEntry, PlanSectionUserObjectPermission
from plans.models import Goal, Measure, Participant, Plan, ProgressNote

ROOT = Path(__file__).resolve().parents[1]


def test_the_floor_is_not_in_the_normal_urlconf():
    with pytest.raises(Resolver404):
        resolve(FLOOR_PATH, urlconf="ipplan.urls")
    assert resolve(FLOOR_PATH, urlconf="bench.urls").url_name == "bench_floor"
    # and the bench's URLconf still has every normal page
    assert resolve("/planer/", urlconf="bench.urls").url_name == "coordinator_list"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_the_floor_needs_a_login_and_does_one_small_query(client, django_assert_num_queries):
    assert client.get(FLOOR_PATH).status_code == 302
    user = User.objects.create_user("someone", password="x" * 20)
    client.force_login(user)
    client.get(FLOOR_PATH)  # warm the session
    response = client.get(FLOOR_PATH)
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(FLOOR_PATH)
    own = [q for q in queries.captured_queries if "accounts_municipality" in q["sql"]]
    assert len(own) == 1


def _settings_module(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IPPLAN_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.ROOT_URLCONF, s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "bench.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bench_settings_are_production_plus_the_floor():
    refused = _settings_module({})
    assert refused.returncode != 0 and "DJANGO_ENV=production" in refused.stderr
    production = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "test-only-secret-key-with-enough-length-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_HOST": "127.0.0.1",
        "IPPLAN_DATA_KEY": "test-only-data-key-with-enough-length-0123456789",
    }
    served = _settings_module(production)
    assert served.stdout.split() == ["bench.urls", "False", "True", "True"], served.stderr


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.mark.parametrize(
    ("goals", "measures", "notes", "participants"), [(4, 6, 10, 3), (9, 2, 1, 1)]
)
def test_seed_large_makes_one_plan_of_the_asked_size(demo, goals, measures, notes, participants):
    plan = seed_large(LargeCounts(goals, measures, notes, participants))
    assert plan.owner.username == LARGE_OWNER
    assert plan.coordinator.username == "koordinator"
    assert plan.status == Plan.Status.ACTIVE
    assert Goal.objects.filter(plan=plan).count() == goals
    assert Measure.objects.filter(plan=plan).count() == measures
    assert ProgressNote.objects.filter(plan=plan).count() == notes
    added = Participant.objects.filter(plan=plan, user__username__startswith="bench.deltaker.")
    assert added.count() == participants
    grants = AccessGrant.objects.filter(plan=plan, status=AccessGrant.Status.ACTIVE)
    assert grants.count() == 3 * participants
    assert (
        PlanSectionUserObjectPermission.objects.filter(grant__in=grants).count() == 3 * participants
    )


@pytest.mark.parametrize(("plans", "grants", "log_rows", "cases"), [(6, 24, 30, 21), (3, 6, 5, 1)])
def test_seed_xl_makes_what_it_says(demo, plans, grants, log_rows, cases):
    plans_before = Plan.objects.count()
    demo_coordinators_plans = Plan.objects.filter(coordinator__username="koordinator").count()
    cases_before = Case.objects.count()
    log_before = AccessLogEntry.objects.count()
    made = seed_xl(
        XLCounts(
            plans=plans,
            grants=grants,
            access_log=log_rows,
            cases=cases,
            coordinators=2,
            providers=3,
        )
    )
    assert made == {
        "plans": plans,
        "participants": grants // 2,
        "grants": grants,
        "access_log": log_rows,
        "cases": cases,
    }
    assert Plan.objects.count() == plans_before + plans
    assert AccessLogEntry.objects.count() == log_before + log_rows
    assert Case.objects.count() == cases_before + cases
    open_cases = Case.objects.filter(number__startswith="B", status__in=["received", "assessing"])
    assert open_cases.count() == len([i for i in range(cases) if i % 40 < 2])
    if cases > 1:  # every municipality's case handler has open cases in the queue
        assert set(open_cases.values_list("municipality__slug", flat=True)) == set(
            Municipality.objects.values_list("slug", flat=True)
        )
    assert (
        StaffMembership.objects.filter(user__username__startswith="bench.koordinator.").count() == 2
    )
    assert (
        PlanSectionUserObjectPermission.objects.filter(
            grant__plan__owner__username__startswith="bench.eier."
        ).count()
        == grants
    )
    # the demo people's own plans are not touched
    assert (
        Plan.objects.filter(coordinator__username="koordinator").count() == demo_coordinators_plans
    )


WRK = {  # BENCH_JSON as bench/wrk_one.lua prints it (microseconds)
    "requests": 600,
    "duration_us": 6_000_000,
    "mean_us": 41234.5,
    "p50_us": 40000,
    "p95_us": 70000,
    "p99_us": 90500,
    "max_us": 120000,
    "socket_errors": 0,
    "timeouts": 1,
    "non200": 2,
}


def test_wrk_summary_and_cost_relative_to_the_floor():
    summary = report.wrk_summary(WRK)
    assert summary == {
        "requests": 600,
        "rps": 100.0,
        "mean_ms": 41.2,
        "p50_ms": 40.0,
        "p95_ms": 70.0,
        "p99_ms": 90.5,
        "errors": 3,
    }
    assert report.cost(40.0, [6.0, 10.0]) == 5.0
    assert report.cost(40.0, []) is None
    assert report.cost(40.0, [0.0]) is None


def test_the_markdown_has_the_matrix_and_every_cell():
    cell = {
        "page": "owner_plan",
        "label": "owner's plan page",
        "clients": 4,
        **report.wrk_summary(WRK),
        "floor_p50_ms": 8.0,
        "cost": 5.0,
    }
    results = {
        "mode": "quick",
        "started": "2026-12-01 00:00 UTC",
        "commit": "abc1234",
        "cores": 2,
        "workers": 2,
        "seeds": [{"scale": "S", "seconds": 3.8}],
        "total_seconds": 200,
        "scales": {
            "S": {
                "inprocess": {"owner_plan": {"queries": 17, "sql_ms": 8.1, "access_log_rows": 9}},
                "load": [cell, {**cell, "clients": 16, "p50_ms": 160.0, "cost": 6.0}],
            }
        },
        "mixed": {"users": 50, "seconds": 60, "scale": "S", **report.wrk_summary(WRK)},
    }
    text = report.markdown(results)
    assert "| owner's plan page | 6.0 (160.0 ms) |" in text  # the matrix uses the most clients
    assert (
        "| owner's plan page | S | 4 | 100.0 | 40.0 | 90.5 | 8.0 | 5.0 | 5.0 | 17 | 8.1 | 9 | 3 |"
        in text
    )
    assert "rounds" not in text  # one round: no sentence about medians
    assert "**3 errors**" in text and "p95 70.0 ms" in text


def test_a_cell_is_the_median_round_against_its_own_floors():
    """Three rounds of one page: the reported cost is the middle round's (one disturbed slice
    does not move it), each round against the floors next to it, every round listed, errors
    from every slice counted."""

    def slice_(p50, rps=100.0, errors=0):
        return {**report.wrk_summary(WRK), "p50_ms": p50, "rps": rps, "errors": errors}

    rounds = [
        (slice_(30.0, rps=120.0), [slice_(10.0), slice_(10.0)]),  # cost 3.0
        (slice_(60.0, rps=60.0, errors=1), [slice_(10.0), slice_(10.0, errors=2)]),  # 6.0
        (slice_(25.0, rps=130.0), [slice_(9.0), slice_(11.0)]),  # 2.5
    ]
    page = {"key": "owner_plan", "label": "owner's plan page"}
    cell = report.combine(page, 16, rounds)
    assert cell["costs"] == [3.0, 6.0, 2.5]
    assert cell["cost"] == 3.0
    assert cell["p50_ms"] == 30.0 and cell["rps"] == 120.0 and cell["floor_p50_ms"] == 10.0
    assert cell["errors"] == 3 and cell["rounds"] == 3 and cell["requests"] == 1800
    assert (cell["page"], cell["clients"]) == ("owner_plan", 16)

    results = {
        "mode": "full",
        "started": "2026-12-01 00:00 UTC",
        "commit": "abc1234",
        "cores": 2,
        "workers": 2,
        "scales": {"S": {"inprocess": {}, "load": [cell]}},
        "machine": {"loop_ms": 66, "steal_pct": 0},
        "machine_after": {"loop_ms": 140, "steal_pct": 12},
    }
    text = report.markdown(results)
    assert "measured in 3 rounds" in text
    assert "took 66 ms at the start and 140 ms at the end" in text and "0 % and 12 %" in text
    assert "| 10.0 | 3.0 | 3.0 / 6.0 / 2.5 |" in text


def test_the_machine_speed_is_a_measured_loop_and_the_steal_time():
    from bench.run import machine_speed

    speed = machine_speed()
    assert speed["loop_ms"] > 0
    assert 0 <= speed["steal_pct"] <= 100


def test_mixed_users_connect_only_with_their_request():
    """A sync worker behind a buffering proxy never waits for a request on an accepted
    connection: the mixed run's users must not open a connection and then think (wrk did, and
    so measured idle connections). A one-at-a-time server records how long each accepted
    connection took to bring its request, and answers every other request with 404."""
    import asyncio
    import socket
    import threading
    import time

    from bench import mixed

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    waits, served = [], []

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            accepted = time.perf_counter()
            data = conn.recv(65536)
            waits.append(time.perf_counter() - accepted)
            path = data.split(b" ", 2)[1]
            served.append(path)
            status = b"200 OK" if path == b"/ok/" else b"404 Not Found"
            conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\n\r\nok")
            conn.close()

    stop = threading.Event()
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    outcome = {}

    def drive():
        # A thread of its own: the suite's browser tests leave an event loop running in the
        # main thread, and asyncio.run refuses to start inside one.
        outcome["result"] = asyncio.run(
            mixed.run(
                "127.0.0.1",
                port,
                5,
                1.2,
                [("/ok/", "c=1"), ("/missing/", "c=1")],
                think=(0.2, 0.3),
            )
        )

    try:
        users = threading.Thread(target=drive)
        users.start()
        users.join(timeout=30)
        result = outcome["result"]
    finally:
        stop.set()
        thread.join()
        server.close()
    assert result["requests"] == len(served) >= 10
    # Every request was there as soon as its connection was accepted (wrk's way: think time).
    assert max(waits) < 0.1
    assert result["non200"] == served.count(b"/missing/") > 0
    assert result["socket_errors"] == 0
    assert 0 < result["p50_us"] <= result["p95_us"] <= result["p99_us"] <= result["max_us"]


@pytest.mark.django_db
def test_the_in_process_figures_are_one_view_after_the_statements_are_prepared(
    client, owner, plan, settings
):
    """measure_view warms the view up until its statements would be prepared, then reports
    the query count and the log rows of one view and the median SQL time of several."""
    settings.DATABASE_PREPARE_THRESHOLD = 2
    client.force_login(owner)
    path = reverse("plans:detail", args=[plan.pk])
    figures = measure_view(client, path)
    views = AccessLogEntry.objects.filter(plan=plan, actor=owner).count()
    assert views == settings.DATABASE_PREPARE_THRESHOLD + 1 + SQL_VIEWS
    assert figures["status"] == 200 and figures["access_log_rows"] == 1
    with CaptureQueriesContext(connection) as one_view:
        client.get(path, secure=True)
    assert figures["queries"] == len(one_view.captured_queries)
    assert figures["sql_ms"] > 0 and figures["case_log_rows"] == 0
