"""The mixed run's users: each opens a random page of a random persona, reads the answer to the
end, then thinks 0.5-1.5 s, for a bounded time. Prints one BENCH_JSON line as wrk_*.lua do.

    python -m bench.mixed HOST PORT USERS SECONDS TARGETS_FILE

Why not wrk: wrk opens the next connection as soon as the last answer is in and only then
waits the think time before sending. A gunicorn sync worker accepts that connection and waits
for its request, so every think second held one of the two workers and the run measured the
idle connections, not the pages (p95 near a second at a third of the load the pages carry
alone). Production has a buffering proxy in front of gunicorn (README, "Deploying"): gunicorn
only sees a connection once its whole request has arrived. These users do the same: a user
connects when it sends, and the time counted is from connecting to the last byte of the
answer, so a request waiting for a free worker counts as waiting.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time

TIMEOUT = 30.0


async def _one(host: str, port: int, path: str, cookie: str) -> tuple[float, int | None]:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)
    except (OSError, TimeoutError):
        return time.perf_counter() - started, None
    try:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
            "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), TIMEOUT)
        status_line = answer.split(b"\r\n", 1)[0].split()
        status = int(status_line[1]) if len(status_line) > 1 else None
    except (OSError, TimeoutError, ValueError):
        status = None
    finally:
        writer.close()
    return time.perf_counter() - started, status


THINK = (0.5, 1.5)


async def _user(host, port, targets, until, rng, think, seen: list, failed: list) -> None:
    # Users start spread over one think time, as people do, not all in the same millisecond.
    await asyncio.sleep(rng.uniform(0, think[1]))
    while time.perf_counter() < until:
        path, cookie = rng.choice(targets)
        seconds, status = await _one(host, port, path, cookie)
        seen.append(seconds)
        if status != 200:
            failed.append(status)
        await asyncio.sleep(rng.uniform(*think))


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def run(host: str, port: int, users: int, seconds: float, targets: list, think=THINK) -> dict:
    rng = random.Random()
    seen: list[float] = []
    failed: list = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(_user(host, port, targets, until, rng, think, seen, failed) for _ in range(users))
    )
    duration = time.perf_counter() - started
    ordered = sorted(seen)
    us = 1e6
    return {
        "requests": len(seen),
        "duration_us": int(duration * us),
        "mean_us": (sum(seen) / len(seen) * us) if seen else 0.0,
        "p50_us": int(_percentile(ordered, 0.50) * us),
        "p95_us": int(_percentile(ordered, 0.95) * us),
        "p99_us": int(_percentile(ordered, 0.99) * us),
        "max_us": int((ordered[-1] if ordered else 0) * us),
        "socket_errors": sum(1 for s in failed if s is None),
        "timeouts": 0,
        "non200": sum(1 for s in failed if s is not None),
    }


def main(argv: list[str]) -> None:
    host, port, users, seconds, targets_file = argv
    targets = []
    with open(targets_file) as f:
        for line in f:
            if line.strip():
                path, cookie = line.rstrip("\n").split("\t", 1)
                targets.append((path, cookie))
    result = asyncio.run(run(host, int(port), int(users), float(seconds), targets))
    sys.stdout.write("BENCH_JSON " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
