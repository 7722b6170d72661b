"""Health of the parts the web process depends on, for /healthz and container health checks.

Three questions, three answers:
- live: the process answers (no database, no Redis);
- ready: the database answers; only then should a load balancer stop sending requests here,
  because everything else degrades (ipplan/cache.py, the outbox) instead of failing;
- status: "ok", "degraded" (Redis, the broker or beat is missing: pages work, notifications
  wait) or "down" (the database is unreachable).
Every check answers within about a second: Redis clients have short socket timeouts, the
broker check runs beside the others, and an open breaker answers at once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from ipplan.breaker import broker_breaker, cache_breaker
from ipplan.celery import app as celery_app
from ipplan.tasks import HEARTBEAT_KEY

OK, ERROR, EAGER, DOWN, DEGRADED = "ok", "error", "eager", "down", "degraded"
BEAT_TASK = "heartbeat"  # the beat schedule's entry whose last run is beat's heartbeat


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return ERROR
    return OK


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return EAGER
    if broker_breaker.is_open():
        return ERROR
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=settings.REDIS_TIMEOUT)
            conn.default_channel.client.ping()
    except Exception as error:
        broker_breaker.trip(error, "publishing skipped")
        return ERROR
    return OK


def check_cache() -> str:
    if cache_breaker.is_open():
        return ERROR
    try:
        if hasattr(cache, "ping"):  # Redis: ask Redis itself, not the fallback
            return OK if cache.ping() else ERROR
        cache.set("ipplan:health", "1", timeout=10)
        return OK if cache.get("ipplan:health") == "1" else ERROR
    except Exception as error:
        cache_breaker.trip(error, "using a per-process memory cache")
        return ERROR


def worker_heartbeat_age() -> int | None:
    try:
        last = cache.get(HEARTBEAT_KEY)
    except Exception:
        return None
    return None if last is None else int(timezone.now().timestamp() - last)


def beat_heartbeat_age() -> int | None:
    """Seconds since beat last sent its heartbeat task, from beat's own schedule table: beat
    writes it to the database whether or not the broker took the task."""
    from django_celery_beat.models import PeriodicTask

    try:
        last = (
            PeriodicTask.objects.filter(name=BEAT_TASK).values_list("last_run_at", flat=True)
        ).first()
    except Exception:
        return None
    return None if last is None else int((timezone.now() - last).total_seconds())


def health_report() -> tuple[bool, dict]:
    """(ready, report): ready is False only when the database is unreachable."""
    # The broker is asked in a thread of its own (it needs no database connection) while this
    # thread asks the database and the cache, so a hung Redis costs one timeout, not two.
    with ThreadPoolExecutor(max_workers=1) as pool:
        broker = pool.submit(check_broker)
        database = check_database()
        report = {"database": database, "cache": check_cache(), "broker": broker.result()}
    ready = database == OK
    report["worker_heartbeat_age_seconds"] = worker_heartbeat_age()
    report["beat_heartbeat_age_seconds"] = beat_heartbeat_age() if ready else None
    beat_age = report["beat_heartbeat_age_seconds"]
    # Never seen (a fresh installation, or no beat as in the embedded demo) is not "late":
    # beat's own container health check covers a beat that never starts.
    beat_late = beat_age is not None and beat_age > settings.IPPLAN_BEAT_STALE_SECONDS
    if not ready:
        report["status"] = DOWN
    elif ERROR in (report["broker"], report["cache"]) or beat_late:
        report["status"] = DEGRADED
    else:
        report["status"] = OK
    return ready, report
