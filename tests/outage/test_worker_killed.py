"""Issue 10, point 7 and the drill table: a real worker killed with SIGKILL in the middle of a
sweep of 300 messages; a new worker and the next sweep deliver every message, and at most the
one being sent at the kill goes out twice."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from accounts.models import OutboxMessage
from accounts.tasks import deliver_outbox_message, deliver_pending_outbox
from tests.coordination.test_delivery import ROOT, _worker_env
from tests.outage.conftest import wait_for

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="!!! SKIPPED: a worker process needs PostgreSQL (DATABASE_URL) !!!",
    ),
]


def start_worker(env):
    return subprocess.Popen(
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
            "2",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: SIGKILL reaches the pool too
    )


def sent_lines(log) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_a_worker_killed_mid_sweep_loses_nothing_and_repeats_at_most_one(
    redis_url, owner, tmp_path
):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(recipient=owner, address=owner.email, kind="reminder", link="/")
        for _ in range(300)
    )
    env = {**_worker_env(tmp_path), "IPPLAN_TEST_MAIL_DELAY": "0.02"}
    env.pop("IPPLAN_TEST_MAIL_HANG_ONCE")
    log = tmp_path / "mail.log"
    worker = start_worker(env)
    try:
        deliver_pending_outbox.delay()
        assert wait_for(lambda: len(sent_lines(log)) >= 60, timeout=60), "no sweep ran"
        os.killpg(worker.pid, signal.SIGKILL)  # mid-batch, no warm shutdown
        worker.wait()
        killed_at = len(sent_lines(log))
        assert killed_at < 300
        worker = start_worker(env)
        deliver_pending_outbox.delay()  # what beat sends within the minute
        assert wait_for(
            lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(), timeout=90
        ), "not everything was delivered after the restart"
        time.sleep(1)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
    counts = collections.Counter(line.split()[0] for line in sent_lines(log))
    expected = {
        f"<outbox-{pk}@ipplan>" for pk in OutboxMessage.objects.values_list("pk", flat=True)
    }
    assert set(counts) == expected  # none lost
    repeated = [mid for mid, n in counts.items() if n > 1]
    sys.stderr.write(f"drill: killed after {killed_at} sent; repeated: {len(repeated)}\n")
    assert len(repeated) <= 2  # at most the one in flight per pool process


def test_the_worker_reconnects_after_its_redis_was_down_and_delivers(own_redis, owner, tmp_path):
    """Point 7: the worker, started as compose starts it, outlives its broker: Redis killed for
    a while and started again, the worker reconnects by itself and delivers what was queued."""
    env = {**_worker_env(tmp_path), "REDIS_URL": own_redis.url}
    env.pop("IPPLAN_TEST_MAIL_HANG_ONCE")
    log = tmp_path / "mail.log"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ipplan",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(5)  # connected and consuming
        own_redis.kill()
        time.sleep(8)  # several failed reconnection attempts
        assert worker.poll() is None, "the worker gave up on its broker"
        own_redis.start()
        message = OutboxMessage.objects.create(
            recipient=owner, address=owner.email, kind="reminder", link="/"
        )
        assert wait_for(
            lambda: (
                (deliver_outbox_message.delay(message.pk) and False)
                or OutboxMessage.objects.get(pk=message.pk).sent_at is not None
            ),
            timeout=60,
            step=2,
        ), "the worker did not reconnect"
        assert sent_lines(log) == [f"<outbox-{message.pk}@ipplan> {owner.email}"]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
