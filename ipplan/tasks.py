"""Tasks of the frame itself: liveness of the worker and beat."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "ipplan:worker-heartbeat"


@shared_task(ignore_result=False)
def ping() -> str:
    """Answers through the result backend; the health check and the worker test use it."""
    return "pong"


@shared_task
def heartbeat() -> None:
    """Run by beat every minute; /healthz reports how long ago a worker last ran it."""
    cache.set(HEARTBEAT_KEY, timezone.now().timestamp(), timeout=None)
