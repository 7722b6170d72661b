"""A real Celery worker against the real Redis (mandatory in CI, skipped loudly elsewhere)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from ipplan.celery import app
from ipplan.tasks import HEARTBEAT_KEY, heartbeat, ping

pytestmark = pytest.mark.services


def test_a_real_worker_answers_the_ping_task(redis_url):
    assert app.conf.broker_url == redis_url and not app.conf.task_always_eager
    with start_worker(app, perform_ping_check=False, loglevel="WARNING"):
        assert ping.delay().get(timeout=15) == "pong"


@pytest.mark.django_db
def test_the_heartbeat_task_runs_on_the_worker_and_health_sees_it(redis_url, client, settings):
    settings.IPPLAN_HEALTHZ_TOKEN = "overvaking-1234567890"
    cache.delete(HEARTBEAT_KEY)
    with start_worker(app, perform_ping_check=False, loglevel="WARNING"):
        heartbeat.delay()
        deadline = time.monotonic() + 15
        while cache.get(HEARTBEAT_KEY) is None and time.monotonic() < deadline:
            time.sleep(0.1)
    assert cache.get(HEARTBEAT_KEY) is not None
    report = client.get("/healthz", headers={"X-Health-Token": "overvaking-1234567890"}).json()
    assert report["broker"] == "ok"
    assert 0 <= report["worker_heartbeat_age_seconds"] < 30
