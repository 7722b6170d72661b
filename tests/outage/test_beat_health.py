"""beat's container health check reads the database only (issue 10, point 4)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

pytestmark = pytest.mark.django_db


def beat_sent(seconds_ago):
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.update_or_create(
        name="heartbeat",
        defaults={
            "task": "ipplan.tasks.heartbeat",
            "interval": every_minute,
            "last_run_at": timezone.now() - datetime.timedelta(seconds=seconds_ago),
        },
    )


def test_a_beat_that_sends_is_healthy(capsys):
    beat_sent(90)
    call_command("beat_health")
    assert "beat ok" in capsys.readouterr().out


def test_a_beat_that_stopped_or_never_ran_is_unhealthy():
    with pytest.raises(CommandError):
        call_command("beat_health")
    beat_sent(3600)
    with pytest.raises(CommandError):
        call_command("beat_health")
