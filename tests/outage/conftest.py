"""Fault drills against real processes: a Redis of the test's own on a spare port, which the
test kills, stops with SIGSTOP and starts again; Celery pointed at it; real workers."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time

import pytest
from kombu import pools as kombu_pools

from ipplan.celery import app
from tests.casework.conftest import rule, rules  # noqa: F401 (fixtures used here)
from tests.conftest import REQUIRE_SERVICES
from tests.coordination.conftest import team  # noqa: F401 (a fixture used here)

BREAKER_PAUSE = 3  # seconds; production's default is 15


def spare_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout=30.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


class OwnRedis:
    """One redis-server process; `kill`, `hang`, `resume` and `start` act on the real process."""

    def __init__(self, tmp_path):
        self.port = spare_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, timeout=10), "redis-server did not start"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def hang(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


def reset_celery_connections():
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def own_redis(tmp_path, settings):
    """A Redis of this test's own, used as cache, broker and result backend."""
    if not shutil.which("redis-server") or not settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("fault drills need redis-server and REDIS_URL (IPPLAN_REQUIRE_SERVICES=1)")
        pytest.skip("!!! SKIPPED: fault drills need redis-server and REDIS_URL !!!")
    redis = OwnRedis(tmp_path)
    redis.start()
    caches = {alias: dict(conf) for alias, conf in settings.CACHES.items()}
    caches["default"]["LOCATION"] = redis.url
    settings.CACHES = caches
    settings.IPPLAN_REDIS_RETRY_SECONDS = BREAKER_PAUSE
    previous = (app.conf.broker_url, app.conf.result_backend)
    app.conf.broker_url = app.conf.result_backend = redis.url
    reset_celery_connections()
    yield redis
    redis.stop()
    app.conf.broker_url, app.conf.result_backend = previous
    reset_celery_connections()
