"""Health of the parts the web process depends on, for /healthz and container health checks."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from ipplan.celery import app as celery_app
from ipplan.tasks import HEARTBEAT_KEY

OK, ERROR, EAGER, DOWN = "ok", "error", "eager", "down"


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
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return ERROR
    return OK


def check_cache() -> str:
    try:
        cache.set("ipplan:health", "1", timeout=10)
        return OK if cache.get("ipplan:health") == "1" else ERROR
    except Exception:
        return ERROR


def worker_heartbeat_age() -> int | None:
    try:
        last = cache.get(HEARTBEAT_KEY)
    except Exception:
        return None
    return None if last is None else int(timezone.now().timestamp() - last)


def health_report() -> tuple[bool, dict]:
    report = {
        "database": check_database(),
        "broker": check_broker(),
        "cache": check_cache(),
        "worker_heartbeat_age_seconds": worker_heartbeat_age(),
    }
    healthy = all(report[part] != ERROR for part in ("database", "broker", "cache"))
    report["status"] = OK if healthy else DOWN
    return healthy, report
