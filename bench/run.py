"""`make bench`: build the bench database, seed S, L and XL, serve the app with gunicorn as in
production, log the personas in and drive each page with wrk against the floor; print the
table and write bench/results.md and bench/results.json. Stops everything it started, on
success, failure and Ctrl+C.

    python -m bench.run [full|quick]
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

from bench.report import combine, markdown, wrk_summary

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
DB = os.environ.get("BENCH_DB", "ipplan_bench")
APP_ROLE = "ipplan_bench_app"
PG = "127.0.0.1:5432"
PORT = int(os.environ.get("BENCH_PORT", "8201"))
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "10"))
WORKERS = 2
BASE = f"http://127.0.0.1:{PORT}"

MODES = {
    # scales, client counts, rounds (every page once a round; the median round is reported),
    # seconds per page slice, per floor slice, mixed run seconds
    "full": {
        "scales": ["S", "L", "XL"],
        "clients": [4, 16],
        "rounds": 3,
        "page_s": 4,
        "floor_s": 2,
        "mixed_s": 60,
    },
    "quick": {
        "scales": ["S", "L"],
        "clients": [4],
        "rounds": 1,
        "page_s": 4,
        "floor_s": 2,
        "mixed_s": 20,
    },
}
MIXED_USERS = 50


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Bench:
    def __init__(self, mode: str):
        self.mode = mode
        self.conf = MODES[mode]
        self.var = ROOT / "var" / "bench"
        self.tmp = Path(tempfile.mkdtemp(prefix="ipplan-bench-"))
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.results: dict = {
            "mode": mode,
            "started": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip(),
            "cores": os.cpu_count(),
            "workers": WORKERS,
            "seeds": [],
            "scales": {},
        }
        common = {
            "DJANGO_SECRET_KEY": "bench-only-secret-key-never-used-anywhere-else-0123456789",
            "IPPLAN_DATA_KEY": "bench-only-data-key-never-used-anywhere-else-0123456789",
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "IPPLAN_VAR_DIR": str(self.var),
            "PYTHONPATH": str(ROOT),
        }
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IPPLAN_"))}
        base.pop("DATABASE_URL", None)
        base.pop("REDIS_CACHE_URL", None)
        # The owner role migrates and seeds (the logs are append-only: it only inserts), with
        # development settings: seed_demo never runs in production.
        self.owner_env = {
            **base,
            **common,
            "DJANGO_SETTINGS_MODULE": "ipplan.settings",
            "DATABASE_URL": f"postgres://postgres@{PG}/{DB}",
            "IPPLAN_DB_APP_ROLE": APP_ROLE,
        }
        # The app runs as production does: its own role, production settings (plus the floor).
        self.app_env = {
            **base,
            **common,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_ENV": "production",
            "DATABASE_URL": f"postgres://{APP_ROLE}@{PG}/{DB}",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "EMAIL_HOST": "127.0.0.1",  # no worker runs: nothing is ever sent
            "IPPLAN_SITE_URL": f"https://127.0.0.1:{PORT}",
        }

    # --- processes ----------------------------------------------------------------------------
    def tool(self, env: dict, *args: str) -> dict:
        done = subprocess.run(
            [PY, "-m", "bench.tool", *args], env=env, cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-4000:])
            raise RuntimeError(f"bench.tool {' '.join(args)} failed")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def manage(self, env: dict, *args: str) -> None:
        subprocess.run([PY, "manage.py", *args], env=env, cwd=ROOT, check=True)

    def start_server(self) -> None:
        log(f"gunicorn on {BASE} ({WORKERS} sync workers, production settings)")
        output = open(self.var / "gunicorn.log", "w")  # noqa: SIM115
        self.server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "--config",
                "gunicorn.conf.py",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{PORT}",
                "ipplan.wsgi",
            ],
            env=self.app_env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(60):
            try:
                if httpx.get(f"{BASE}/healthz/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.server.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not start: see {self.var / 'gunicorn.log'}")

    def start_worker(self) -> None:
        """A Celery worker as in production: the plan PDF is made by a task (plans.tasks)."""
        log("celery worker (1 process, as the PDF task needs)")
        output = open(self.var / "worker.log", "w")  # noqa: SIM115
        self.worker = subprocess.Popen(
            [PY, "-m", "celery", "-A", "ipplan", "worker", "--concurrency", "1", "-l", "warning"],
            env=self.app_env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop_server(self) -> None:
        for name, process in (("celery worker", self.worker), ("gunicorn", self.server)):
            if process is None or process.poll() is not None:
                continue
            log(f"stopping {name}")
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    # --- database -----------------------------------------------------------------------------
    def fresh_database(self) -> None:
        log(f"fresh database {DB}")
        with psycopg.connect(f"postgresql://postgres@{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB}"')
            exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]
            ).fetchone()
            if not exists:
                conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()
        if self.var.exists():
            shutil.rmtree(self.var)
        self.var.mkdir(parents=True)
        self.manage(self.owner_env, "migrate", "--noinput", "-v", "0")
        self.manage(self.app_env, "collectstatic", "--noinput", "-v", "0")

    def analyze(self) -> None:
        # A live database has statistics (autovacuum); a bulk load has none until this.
        with psycopg.connect(f"postgresql://postgres@{PG}/{DB}", autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    def seed(self, scale: str) -> None:
        log(f"seeding {scale}")
        result = self.tool(self.owner_env, "seed", scale)
        self.results["seeds"].append(result)
        self.analyze()
        log(f"seeded {scale} in {result['seconds']} s")

    # --- load ---------------------------------------------------------------------------------
    def wrk(self, path: str, cookie: str, clients: int, seconds: int) -> dict:
        done = subprocess.run(
            [
                "wrk",
                "-t",
                str(min(2, clients)),
                "-c",
                str(clients),
                "-d",
                f"{seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(ROOT / "bench" / "wrk_one.lua"),
                "-H",
                f"Cookie: {cookie}",
                "-H",
                "X-Forwarded-Proto: https",
                f"{BASE}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
        return wrk_summary(json.loads(line.removeprefix("BENCH_JSON ")))

    def check_pages(self, spec: dict, cookies: dict) -> None:
        for page in [*spec["pages"], {"path": spec["floor"], "persona": "koordinator"}]:
            response = httpx.get(
                f"{BASE}{page['path']}",
                headers={"Cookie": cookies[page["persona"]], "X-Forwarded-Proto": "https"},
                timeout=60,
            )
            if response.status_code != 200:
                raise RuntimeError(f"{page['path']} answered {response.status_code}")

    def load(self, spec: dict, cookies: dict) -> list[dict]:
        """Per client count, `rounds` rounds; a round measures every page once with the floor
        before, between and after the pages (each page against the floor slices next to it).
        Pages of different personas get the floor with their own persona's cookie."""
        cells = []
        for clients in self.conf["clients"]:
            rounds: dict[str, list] = {page["key"]: [] for page in spec["pages"]}
            for _round in range(self.conf["rounds"]):
                floor = None
                for page in spec["pages"]:
                    cookie = cookies[page["persona"]]
                    if floor is None or floor[0] != page["persona"]:
                        floor = (page["persona"], self.floor(spec, cookie, clients))
                    measured = self.wrk(page["path"], cookie, clients, self.conf["page_s"])
                    after = (page["persona"], self.floor(spec, cookie, clients))
                    rounds[page["key"]].append((measured, [floor[1], after[1]]))
                    floor = after
            for page in spec["pages"]:
                cell = combine(page, clients, rounds[page["key"]])
                log(
                    f"  {page['label']}, {clients} clients: {cell['rps']} req/s, p50 "
                    f"{cell['p50_ms']} ms, floor {cell['floor_p50_ms']} ms, cost {cell['cost']} "
                    f"(rounds {cell['costs']})"
                )
                cells.append(cell)
        return cells

    def floor(self, spec: dict, cookie: str, clients: int) -> dict:
        return self.wrk(spec["floor"], cookie, clients, self.conf["floor_s"])

    def mixed(self, spec: dict, cookies: dict, scale: str) -> None:
        seconds = self.conf["mixed_s"]
        log(f"mixed run: {MIXED_USERS} users for {seconds} s at {scale}")
        targets = self.tmp / "targets.tsv"
        lines = [f"{p['path']}\t{cookies[p['persona']]}" for p in spec["pages"]]
        lines += [f"/\t{cookie}" for cookie in cookies.values()]
        targets.write_text("\n".join(lines) + "\n")
        # bench/mixed.py, not wrk: see its docstring (a connection only with its request, as
        # behind production's buffering proxy).
        done = subprocess.run(
            [
                PY,
                "-m",
                "bench.mixed",
                "127.0.0.1",
                str(PORT),
                str(MIXED_USERS),
                str(seconds),
                str(targets),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
        summary = wrk_summary(json.loads(line.removeprefix("BENCH_JSON ")))
        self.results["mixed"] = {
            "users": MIXED_USERS,
            "seconds": seconds,
            "scale": scale,
            **summary,
        }
        log(f"  mixed: p95 {summary['p95_ms']} ms, {summary['errors']} errors")

    def pdf_seconds(self, path: str, cookie: str) -> float:
        """From asking for a plan's PDF until it comes: the page says it is being made and is
        asked again, as the reader's browser does."""
        started = time.perf_counter()
        deadline = started + 180
        while True:
            response = httpx.get(
                f"{BASE}{path}",
                headers={"Cookie": cookie, "X-Forwarded-Proto": "https"},
                timeout=120,
            )
            if response.status_code == 200 and response.content.startswith(b"%PDF"):
                return round(time.perf_counter() - started, 2)
            if response.status_code != 200 or time.perf_counter() > deadline:
                raise RuntimeError(f"plan PDF answered {response.status_code}")
            time.sleep(0.1)

    def pdfs(self, spec: dict, cookies: dict) -> None:
        """The plan PDF is made by the worker once per version. A production worker runs for
        days, so it is started and asked for a first PDF of another plan (the fonts and the
        layout engine load once per worker process) before the large plan is timed: the first
        figure is the time a reader waits for a new PDF, the second a download of the copy
        already made."""
        pdf = spec["pdf"]
        cookie = cookies[pdf["persona"]]
        self.start_worker()
        ready = self.tool(self.app_env, "worker")
        cold = self.pdf_seconds(pdf["warm_path"], cookie)
        seconds = [self.pdf_seconds(pdf["path"], cookie) for _round in range(2)]
        self.results["pdf"] = {
            "plan": "the large plan" if pdf["large"] else "the demo plan",
            "first_s": seconds[0],
            "warm_s": seconds[1],
            "worker_first_s": cold,
            "worker_ready_s": ready["ready_s"],
        }
        self.results["letter"] = self.tool(self.app_env, "letter")
        log(
            f"  PDFs: a fresh worker's first {cold}, plan {seconds}, "
            f"letter {self.results['letter']}"
        )

    # --- the run ------------------------------------------------------------------------------
    def run(self) -> None:
        started = time.perf_counter()
        self.results["machine"] = machine_speed()
        log(f"machine: {self.results['machine']}")
        self.fresh_database()
        cookies = None
        for scale in self.conf["scales"]:
            self.seed(scale)
            if self.server is None:
                self.start_server()
            if cookies is None:
                cookies = self.tool(self.owner_env, "login", BASE)
                log(f"logged in: {', '.join(cookies)}")
            spec = self.tool(self.owner_env, "pages")
            self.check_pages(spec, cookies)
            spec_file = self.tmp / "inprocess.json"
            spec_file.write_text(json.dumps({**spec, "cookies": cookies}))
            inprocess = self.tool(self.app_env, "inprocess", str(spec_file))
            log(f"scale {scale}: in-process {inprocess}")
            self.results["scales"][scale] = {
                "inprocess": inprocess,
                "load": self.load(spec, cookies),
            }
            if scale == "S":
                self.mixed(spec, cookies, scale)
            if scale == "L":
                self.pdfs(spec, cookies)
        self.results["total_seconds"] = round(time.perf_counter() - started)
        self.results["machine_after"] = machine_speed()
        self.write()

    def write(self) -> None:
        text = markdown(self.results)
        name = "results"
        (ROOT / "bench" / f"{name}.md").write_text(text)
        (ROOT / "bench" / f"{name}.json").write_text(json.dumps(self.results, indent=2) + "\n")
        print("\n" + text)
        log(f"wrote bench/{name}.md and bench/{name}.json")

    def cleanup(self) -> None:
        self.stop_server()
        shutil.rmtree(self.tmp, ignore_errors=True)


def machine_speed() -> dict:
    """How fast the shared machine is right now, for reading the absolute times (the PDF's):
    a fixed pure-Python loop, best of three, and the steal time over the same seconds (CPU
    the host gave to other guests)."""

    def steal() -> int:
        try:
            return int(Path("/proc/stat").read_text().split()[8])
        except (OSError, IndexError, ValueError):
            return 0

    before, best = steal(), float("inf")
    wall = time.perf_counter()
    for _round in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    wall = time.perf_counter() - wall
    stolen = (steal() - before) / os.sysconf("SC_CLK_TCK")
    return {
        "loop_ms": round(best * 1000),
        "steal_pct": round(100 * stolen / (wall * (os.cpu_count() or 1))),
    }


def main() -> int:
    mode = sys.argv[1] if len(sys.argv) > 1 else "full"
    if mode not in MODES:
        sys.exit(f"BENCH must be one of {', '.join(MODES)}")
    bench = Bench(mode)

    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    try:
        bench.run()
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        bench.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
