"""The Redis cache backend, made to degrade instead of fail.

Everything that uses the cache (our rate limits, allauth's login rate limits, used TOTP codes,
the worker heartbeat) keeps working when Redis is down or hung: each call that fails, and every
call while the breaker is open, goes to a per-process memory cache instead, and the log says
so. Limits then count per process instead of per installation, which is looser but never
locks anyone out and never loses the user's request.
"""

from __future__ import annotations

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from ipplan.breaker import cache_breaker

REDIS_ERRORS = (RedisError, OSError)
FALLBACK_NAME = "ipplan-redis-fallback"  # one store per process, shared by every thread


def _degrading(name: str):
    def method(self, *args, **kwargs):
        fallback = getattr(self._fallback, name)
        if cache_breaker.is_open():
            return fallback(*args, **kwargs)
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except REDIS_ERRORS as error:
            cache_breaker.trip(error, "using a per-process memory cache")
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(
            FALLBACK_NAME,
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 10_000},
            },
        )

    def ping(self) -> bool:
        """Redis itself, past the breaker and the fallback (for the health check)."""
        return bool(self._cache.get_client(write=True).ping())

    add = _degrading("add")
    get = _degrading("get")
    set = _degrading("set")
    touch = _degrading("touch")
    delete = _degrading("delete")
    get_many = _degrading("get_many")
    has_key = _degrading("has_key")
    incr = _degrading("incr")
    set_many = _degrading("set_many")
    delete_many = _degrading("delete_many")
    clear = _degrading("clear")
