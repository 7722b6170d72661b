"""Reliable delivery through the outbox, against the real Redis and real Celery workers:
an invitation arrives once with a valid calendar file; a broker that is down when the user
saves loses nothing; two workers on the same row send one e-mail; a worker killed in the
middle of sending delivers exactly once after the restart."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import icalendar
import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from kombu import pools as kombu_pools

from accounts import notifications, outbox
from accounts.models import OutboxMessage
from accounts.tasks import deliver_pending_outbox
from coordination.services.meetings import meeting_create
from ipplan.celery import app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_meeting_invitation_arrives_once_with_a_valid_calendar_file(
    redis_url, team, owner, coordinator
):
    with start_worker(app, perform_ping_check=False, loglevel="WARNING"):
        meeting = meeting_create(
            plan=team["plan"],
            title="Møte",
            place="",
            video_link="",
            agenda=[],
            starts_at=timezone.now() + datetime.timedelta(days=2),
            duration_minutes=60,
            invitee_ids=[owner.pk],
            acting_user=coordinator,
        )
        assert wait_for(lambda: len(mail.outbox) >= 1)
        time.sleep(0.5)  # anything extra would arrive now
    (message,) = mail.outbox
    assert message.to == [owner.email]
    calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"meeting-{meeting.uid}@ipplan"
    assert OutboxMessage.objects.get().sent_at is not None


@pytest.fixture
def broker_down(redis_url):
    """The broker answers nowhere, as when Redis is down; restored afterwards."""
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_publish_retry = False
    reset_connections()
    yield
    app.conf.broker_url = original
    app.conf.task_publish_retry = True
    reset_connections()


def reset_connections():
    """Drop Celery's cached broker connections so the next publish uses the current URL."""
    kombu_pools.reset()  # closes and forgets every cached pool, keyed by URL
    app._pool = None
    app.amqp._producer_pool = None


def test_a_save_while_the_broker_is_down_succeeds_and_nothing_is_lost(
    broker_down, plan, owner, coordinator
):
    with transaction.atomic():
        notifications.notify(kind="reminder", user=owner, link="/", dedupe_key="down-1")
        notifications.notify(kind="reminder", user=coordinator, link="/", dedupe_key="down-2")
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2  # saved, not sent
    assert mail.outbox == []


def test_after_recovery_the_sweep_delivers_what_waited(redis_url, plan, owner, coordinator):
    for key, user in (("w1", owner), ("w2", coordinator)):
        OutboxMessage.objects.create(
            recipient=user, address=user.email, kind="reminder", link="/", dedupe_key=key
        )
    with start_worker(app, perform_ping_check=False, loglevel="WARNING"):
        deliver_pending_outbox.delay()
        assert wait_for(lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists())
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, coordinator.email])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_the_same_row_processed_twice_at_once_sends_one_e_mail(
    plan, owner, settings, tmp_path, monkeypatch
):
    log = tmp_path / "mail.log"
    settings.EMAIL_BACKEND = "tests.support.mail.RecordingBackend"
    monkeypatch.setenv("IPPLAN_TEST_MAIL_LOG", str(log))
    message = OutboxMessage.objects.create(
        recipient=owner, address=owner.email, kind="reminder", link="/"
    )
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(outbox.deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert len(log.read_text().splitlines()) == 1


def _worker_env(tmp_path) -> dict:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "DJANGO_EMAIL_BACKEND": "tests.support.mail.RecordingBackend",
            "IPPLAN_TEST_MAIL_LOG": str(tmp_path / "mail.log"),
            "IPPLAN_TEST_MAIL_HANG_ONCE": str(tmp_path / "hanging.pid"),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs PostgreSQL")
def test_a_worker_killed_while_sending_delivers_exactly_once_after_restart(
    redis_url, plan, owner, tmp_path
):
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ipplan",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=_worker_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        with transaction.atomic():
            message = notifications.notify(
                kind="reminder", user=owner, link="/", dedupe_key="killed"
            )
        hanging = tmp_path / "hanging.pid"
        assert wait_for(hanging.exists, timeout=60), "the worker never started sending"
        os.kill(int(hanging.read_text()), signal.SIGKILL)  # the pool process, mid-send
        assert wait_for(
            lambda: OutboxMessage.objects.get(pk=message.pk).sent_at is not None, timeout=60
        ), "not delivered after the worker process was replaced"
        time.sleep(1)
        lines = (tmp_path / "mail.log").read_text().splitlines()
        assert lines == [f"<outbox-{message.pk}@ipplan> {owner.email}"]
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
