"""The bench's figures: cost relative to the floor, and the tables (bench/results.md, .json).

Cost of a page = its median latency (p50) divided by the floor's median latency measured in
the same run, with the same number of clients and the same persona, just before and just
after the page (the mean of those two floor p50s). Lower is better; the floor is 1.0.

A full run measures each page in several rounds (every page once per round, the floor between
pages) and reports the median round: a single round moves by about 0.4 between runs, and a
slice disturbed by a neighbour on the shared machine by much more (2.3, 2.4 and 4.0 for one
page in one run); the median of three moves far less.
"""

from __future__ import annotations

from statistics import mean, median

SCALES = ("S", "L", "XL")


def wrk_summary(raw: dict) -> dict:
    """Milliseconds and requests per second from wrk_*.lua's BENCH_JSON (microseconds)."""
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "mean_ms": round(raw["mean_us"] / 1000, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "errors": raw["socket_errors"] + raw["timeouts"] + raw["non200"],
    }


def cost(page_p50: float, floor_p50s: list[float]) -> float | None:
    """The page's p50 over the mean p50 of the floor slices around it (None without a floor)."""
    floor = mean(floor_p50s) if floor_p50s else 0
    if floor <= 0:
        return None
    return round(page_p50 / floor, 1)


def combine(page: dict, clients: int, rounds: list[tuple[dict, list[dict]]]) -> dict:
    """One cell from the rounds of a page: each round is the page's wrk summary and the floor
    summaries just before and after it. Cost, latencies and throughput are the medians over
    the rounds (each round's cost against its own floors); errors are counted in every slice."""
    costs = [cost(measured["p50_ms"], [f["p50_ms"] for f in floors]) for measured, floors in rounds]
    known = [c for c in costs if c is not None]

    def mid(values: list[float]) -> float:
        return round(median(values), 1)

    pages = [measured for measured, _floors in rounds]
    floors = [mean(f["p50_ms"] for f in fl) for _m, fl in rounds if fl]
    return {
        "page": page["key"],
        "label": page["label"],
        "clients": clients,
        "rounds": len(rounds),
        "requests": sum(m["requests"] for m in pages),
        "rps": mid([m["rps"] for m in pages]),
        "mean_ms": mid([m["mean_ms"] for m in pages]),
        "p50_ms": mid([m["p50_ms"] for m in pages]),
        "p95_ms": mid([m["p95_ms"] for m in pages]),
        "p99_ms": mid([m["p99_ms"] for m in pages]),
        "floor_p50_ms": mid(floors) if floors else 0.0,
        "floor_rps": mid([f["rps"] for _m, fl in rounds for f in fl]) if floors else 0.0,
        "cost": mid(known) if known else None,
        "costs": costs,
        "errors": sum(m["errors"] + sum(f["errors"] for f in fl) for m, fl in rounds),
    }


def _fmt(value, digits=1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def load_rows(results: dict) -> list[list[str]]:
    """One row per page, scale and client count, in the issue's page order."""
    rows = []
    for scale in SCALES:
        data = results.get("scales", {}).get(scale)
        if not data:
            continue
        for cell in data["load"]:
            inproc = data["inprocess"].get(cell["page"], {})
            rows.append(
                [
                    cell["label"],
                    scale,
                    str(cell["clients"]),
                    _fmt(cell["rps"]),
                    _fmt(cell["p50_ms"]),
                    _fmt(cell["p99_ms"]),
                    _fmt(cell["floor_p50_ms"]),
                    _fmt(cell["cost"]),
                    _rounds(cell),
                    _fmt(inproc.get("queries")),
                    _fmt(inproc.get("sql_ms")),
                    _fmt(inproc.get("access_log_rows")),
                    str(cell["errors"]),
                ]
            )
    return rows


def _rounds(cell: dict) -> str:
    costs = cell.get("costs") or [cell["cost"]]
    return " / ".join(_fmt(c) for c in costs)


def cost_matrix(results: dict) -> tuple[list[str], list[list[str]]]:
    """The issue's summary: cost per page (rows) and scale (columns), at the most clients."""
    scales = [s for s in SCALES if results.get("scales", {}).get(s)]
    clients = max((c["clients"] for s in scales for c in results["scales"][s]["load"]), default=0)
    labels: dict[str, dict[str, str]] = {}
    for scale in scales:
        for cell in results["scales"][scale]["load"]:
            if cell["clients"] == clients:
                row = labels.setdefault(cell["page"], {"label": cell["label"].split(" (")[0]})
                row[scale] = f"{_fmt(cell['cost'])} ({_fmt(cell['p50_ms'])} ms)"
    header = ["page", *[f"{s} ({clients} clients)" for s in scales]]
    return header, [[r["label"], *[r.get(s, "–") for s in scales]] for r in labels.values()]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


LOAD_HEADER = [
    "page",
    "scale",
    "clients",
    "req/s",
    "p50 ms",
    "p99 ms",
    "floor p50 ms",
    "cost (floor = 1)",
    "cost each round",
    "queries",
    "SQL ms",
    "access-log rows/view",
    "errors",
]


def _rounds_sentence(results: dict) -> str:
    rounds = max(
        (c.get("rounds", 1) for s in results.get("scales", {}).values() for c in s["load"]),
        default=1,
    )
    if rounds < 2:
        return ""
    return (
        f"Each page was measured in {rounds} rounds (every page once a round, the floor between "
        "pages); the figures are the median round, and every round's cost is listed. "
    )


def markdown(results: dict) -> str:
    parts = [
        f"# Bench results ({results['mode']}, {results['started']})",
        "",
        f"Commit `{results['commit']}`, {results['cores']} cores, gunicorn with "
        f"{results['workers']} sync workers, PostgreSQL and Redis, DEBUG off. "
        "Cost = the page's p50 over the floor's p50 in the same run (same clients and persona, "
        "just before and after the page); lower is better, the floor is 1.0. "
        f"{_rounds_sentence(results)}Read the ratios, "
        "not the absolute times: the machine is shared. Queries and access-log rows are from "
        "one view in-process against the same database, once its statements are prepared; "
        "the SQL time is the median of five such views.",
        "",
        "## Cost relative to the floor",
        "",
        _table(*cost_matrix(results)),
        "",
        "## Every page, scale and client count",
        "",
        _table(LOAD_HEADER, load_rows(results)),
        "",
    ]
    if mixed := results.get("mixed"):
        parts += [
            "## Mixed users",
            "",
            f"{mixed['users']} users for {mixed['seconds']} s at scale {mixed['scale']} (each "
            "opens a random page of a random persona, then thinks 0.5–1.5 s; a user connects when "
            "it sends, as behind production's buffering proxy, see bench/mixed.py): "
            f"{mixed['requests']} requests, {mixed['rps']} req/s, p50 {mixed['p50_ms']} ms, "
            f"p95 {mixed['p95_ms']} ms, p99 {mixed['p99_ms']} ms, **{mixed['errors']} errors**.",
            "",
        ]
    if pdf := results.get("pdf"):
        parts += [
            "## PDFs",
            "",
            f"- Plan PDF ({pdf['plan']}): ready {pdf['first_s']} s after asking (made by the "
            f"worker while the page says so), then {pdf['warm_s']} s for the copy already made "
            "(over HTTP, one request at a time).",
        ]
        if "worker_first_s" in pdf:
            parts.append(
                f"- The worker's first PDF after it started (another plan, loading fonts and the "
                f"layout engine once per worker process): {pdf['worker_first_s']} s; the worker "
                f"answered {pdf['worker_ready_s']} s after it was started."
            )
        if letter := results.get("letter"):
            parts.append(
                f"- Decision letter (rendered, stored and sent, in-process): first "
                f"{letter['first_s']} s, then {letter['warm_s']} s."
            )
        parts.append("")
    if machine := results.get("machine"):
        after = results.get("machine_after")
        parts += [
            "## The machine",
            "",
            "Absolute times (the PDF's above) move with the shared machine's speed, ratios much "
            f"less. A fixed Python loop (2 million additions, best of three) took "
            f"{machine['loop_ms']} ms at the start"
            + (f" and {after['loop_ms']} ms at the end" if after else "")
            + " of this run; steal time (CPU the host gave to other guests) "
            + f"{machine['steal_pct']} %"
            + (f" and {after['steal_pct']} %" if after else "")
            + ". Compare the loop between runs: a slower loop, a slower machine.",
            "",
        ]
    if seeds := results.get("seeds"):
        parts += [
            "## Seeding",
            "",
            ", ".join(f"{s['scale']} {s['seconds']} s" for s in seeds)
            + f"; the whole run took {results.get('total_seconds', '?')} s.",
            "",
        ]
    return "\n".join(parts)
