"""One run at a time for periodic jobs, across every worker and host.

PostgreSQL advisory locks are held by the database session: if the worker dies, the lock goes
with its connection. A run that finds the lock taken skips (the other run does the work);
every job is also idempotent on its own, so a run right after another finds nothing to do.
On SQLite (the embedded demo, one process) a process-wide lock stands in.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

log = logging.getLogger("ipplan.jobs")
_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Yields True when this run holds the lock, False when another run does."""
    if connection.vendor != "postgresql":
        with _local_guard:
            lock = _local_locks.setdefault(name, threading.Lock())
        acquired = lock.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])


def single_run(name: str):
    """Decorate a periodic task: it runs only when no other run of `name` is running."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with job_lock(name) as acquired:
                if not acquired:
                    log.info("%s: another run holds the lock; skipped", name)
                    return None
                return function(*args, **kwargs)

        return wrapper

    return decorate
