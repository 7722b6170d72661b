"""Fixed-window rate limits in the shared cache (Redis in production, a table otherwise).

When Redis is down or hung the cache answers from a per-process memory cache instead
(ipplan/cache.py) and logs it: limits then count per process, and no request fails.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

RATE_LIMITED = _("Du har gjort dette mange ganger på kort tid. Vent litt og prøv igjen.")

# action -> (how many, per how many seconds), per user
LIMITS = {
    "message": (30, 600),
    "invitation": (20, 3600),
    "meeting": (20, 3600),
    "export": (20, 600),
    "case": (10, 3600),  # applications and referrals sent by one person
    "complaint": (10, 3600),
    # forms that take a national identity number (referral, paper application, new plan):
    # counted before the number is looked up, so the register cannot be probed in bulk
    "person_lookup": (30, 3600),
}


class RateLimited(PermissionDenied):
    def __init__(self):
        super().__init__(RATE_LIMITED)


def hit(action: str, user_id: int) -> None:
    """Count one use of `action`; raise RateLimited past the limit."""
    limit, window = LIMITS[action]
    key = f"ratelimit:{action}:{user_id}:{int(time.time() // window)}"
    if cache.add(key, 1, timeout=window):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return
    if count > limit:
        raise RateLimited
