"""A per-process circuit breaker for Redis (cache and broker publish).

When Redis is dead or hung, every call would wait for its socket timeout (about a second) and
a page that touches the cache five times would take five seconds. After one failure the
breaker stays open for a while, callers take their fallback at once, and one call after the
pause tries Redis again.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

log = logging.getLogger("ipplan.degraded")


class Breaker:
    def __init__(self, name: str):
        self.name = name
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, error: BaseException, fallback: str) -> None:
        pause = settings.IPPLAN_REDIS_RETRY_SECONDS
        with self._lock:
            was_open = self.is_open()
            self._open_until = time.monotonic() + pause
        if not was_open:
            log.warning(
                "%s unavailable (%s); %s for the next %s s",
                self.name,
                type(error).__name__,
                fallback,
                pause,
            )

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


cache_breaker = Breaker("cache")
broker_breaker = Breaker("broker")
