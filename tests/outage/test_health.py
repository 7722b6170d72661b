"""Issue 10, point 4: with the test's own Redis killed or hung, the web process is still ready
(the database answers) and says "degraded", within about a second; beat's heartbeat is read
from the database, so it does not depend on web or Redis."""

from __future__ import annotations

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from ipplan import health

pytestmark = [pytest.mark.services, pytest.mark.django_db]
TOKEN = "overvaking-1234567890"


def report(client):
    started = time.monotonic()
    response = client.get(reverse("healthz"), headers={"X-Health-Token": TOKEN})
    return response, time.monotonic() - started


@pytest.fixture
def beat_ran(db):
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    return PeriodicTask.objects.create(
        name=health.BEAT_TASK,
        task="ipplan.tasks.heartbeat",
        interval=every_minute,
        last_run_at=timezone.now() - datetime.timedelta(seconds=30),
    )


def test_all_parts_answering_is_ok(own_redis, client, settings, beat_ran):
    settings.IPPLAN_HEALTHZ_TOKEN = TOKEN
    response, _ = report(client)
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok", body
    assert 25 <= body["beat_heartbeat_age_seconds"] < 60


@pytest.mark.parametrize("fault", ["kill", "hang"])
def test_redis_missing_is_degraded_and_still_ready(own_redis, client, settings, beat_ran, fault):
    settings.IPPLAN_HEALTHZ_TOKEN = TOKEN
    getattr(own_redis, fault)()
    try:
        response, took = report(client)
        ready = client.get(reverse("healthz_ready"))
        live = client.get(reverse("healthz_live"))
    finally:
        own_redis.resume() if fault == "hang" else None
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["cache"] == "error" and body["broker"] == "error" and body["database"] == "ok"
    assert ready.status_code == 200 and live.status_code == 200
    assert took < 5.0, took  # bounded (a hung Redis without timeouts: 30 s); figures printed


def test_a_beat_that_stopped_sending_is_degraded(own_redis, client, settings, beat_ran):
    settings.IPPLAN_HEALTHZ_TOKEN = TOKEN
    beat_ran.last_run_at = timezone.now() - datetime.timedelta(hours=1)
    beat_ran.save()
    body = report(client)[0].json()
    assert body["status"] == "degraded" and body["beat_heartbeat_age_seconds"] >= 3600
