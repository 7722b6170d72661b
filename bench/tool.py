"""The Django side of `make bench`, run by bench/run.py in a subprocess per step (each step
needs its own settings: seeding as the owner role, measuring as the app with production
settings). Prints one JSON document on stdout.

    python -m bench.tool seed S|L|XL      # as the owner role, development settings
    python -m bench.tool pages            # the pages to drive, with their personas
    python -m bench.tool login BASE_URL   # the personas' real logins over HTTP -> cookies
    python -m bench.tool inprocess FILE   # query count, SQL time, log rows per page
    python -m bench.tool letter           # time to write one decision letter (PDF/A)
    python -m bench.tool worker           # wait until the Celery worker answers a ping
"""

from __future__ import annotations

import json
import sys
import time

import django


def _setup():
    django.setup()
    from django.conf import settings

    name = str(settings.DATABASES["default"]["NAME"])
    # A guard, not a feature: this tool writes data and prints second factors.
    if not name.startswith("ipplan_bench") and "bench" not in name:
        raise SystemExit(f"bench.tool only runs against a bench database, not {name!r}")


def seed(scale: str) -> dict:
    from django.core.management import call_command

    from bench import seed as bench_seed

    started = time.perf_counter()
    if scale == "S":
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        out = {}
    elif scale == "L":
        out = {"large_plan": bench_seed.seed_large().pk}
    else:
        out = bench_seed.seed_xl()
    return {"scale": scale, "seconds": round(time.perf_counter() - started, 1), **out}


def pages() -> dict:
    from bench.pages import current_pages

    return current_pages()


def login(base_url: str) -> dict:
    from accounts.management.commands.demo_totp import current_code
    from bench.login import login_all

    return login_all(base_url, current_code)


def inprocess(path: str) -> dict:
    from bench.measure import measure_pages

    with open(path) as f:
        spec = json.load(f)
    return measure_pages(spec["pages"], spec["cookies"], spec["floor"])


def letter() -> dict:
    from bench.measure import time_decision_letter

    return time_decision_letter()


def worker() -> dict:
    from ipplan.celery import app

    started = time.perf_counter()
    while time.perf_counter() - started < 90:
        if app.control.ping(timeout=1.0):
            return {"ready_s": round(time.perf_counter() - started, 1)}
    raise SystemExit("the Celery worker did not answer within 90 s")


def main(argv: list[str]) -> None:
    _setup()
    command, args = argv[0], argv[1:]
    result = {
        "seed": seed,
        "pages": pages,
        "login": login,
        "inprocess": inprocess,
        "letter": letter,
        "worker": worker,
    }[command](*args)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
