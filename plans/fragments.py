"""Rendered parts of the plan page kept in the cache, so that a large plan is not rendered again
for every view (issue 14: 250 measures cost most of the page's time in template rendering).

A fragment is kept for one reader of one plan, in one language, on one day, as the plan's
content stood: the key holds

- the plan, its version and its newest change (every write to the plan's content records a
  change in its history, plans.access.record_change, so any write makes a new key at once);
- the reader (user, role, organisation) and what their access gives them now: the sections they
  may read and write, whom the words speak to. A grant that is revoked or expires changes the
  key, so nobody is shown a section from the cache that their grants do not give them now;
- the language, and today's date (a measure's deadline "has passed" from one day to the next).

What is kept is health data: it is compressed and encrypted (a key derived from
IPPLAN_DATA_KEY) before it leaves the process, and kept for FRAGMENT_SECONDS at most (a change
outside the plan, such as an organisation's new name, shows within that time). The CSRF token
is never kept: a marker stands in for it and the reader's own token is put in on the way out.

When the cache is down the page is rendered as before (ipplan.cache degrades to memory).
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone, translation

from accounts.crypto import seal, unseal
from plans.models import PlanChange

if TYPE_CHECKING:
    from consent.access import PlanAccess

logger = logging.getLogger(__name__)

FRAGMENT_SECONDS = 15 * 60
# The parts of the plan page kept in the cache. Every plan's page keeps them (a small plan's
# too): on a hit the page loads none of their goals, measures, participants, cooperation
# needs, documents, notes or plan health, and renders none of them
# (plans.selectors.plan_overview's `from_cache`). Each is content that only a write recorded
# in the plan's history changes (participants, cooperation, documents, notes, consents and
# grants all record one), so the content stamp covers it. What changes without such a write
# (the next meeting, unread messages, the newest archive copy, a pending handover, the
# reader's flash messages) is never inside a part: only inside the whole page (PAGE), whose
# key holds each such value, and never with a flash message.
PAGE_PARTS = ("goals", "participants", "cooperation", "documents", "notes", "health")
# The whole main content of an individual plan's page, under a key that also holds every
# per-request value it shows (page_fragment_key): on a hit the page renders only the layout.
PAGE = "page"
LABEL = b"ipplan/fragment-cache/v1"
CSRF_MARKER = "ipplan-csrf-token-not-cached"


def content_stamp(plan) -> str:
    """The plan's version and its newest change: one indexed query."""
    newest = PlanChange.objects.filter(plan=plan).aggregate(newest=Max("pk"))["newest"]
    return f"{plan.version}.{plan.about_me_version}.{newest or 0}"


def fragment_key(access: PlanAccess, stamp: str) -> str:
    """The part of the key the reader and the moment give (see the module doc)."""
    user = access.user
    parts = [
        f"plan={access.plan.pk}",
        f"content={stamp}",
        f"user={user.pk if user else '-'}",
        f"role={access.role}",
        f"org={access.organisation_name}",
        f"read={','.join(sorted(access.read))}",
        f"write={','.join(sorted(access.write))}",
        f"voice={access.voice}",
        f"owner={access.owner_name}",
        f"manages={access.manages_access}",
        # The form of the record changes its words; items withheld from parents change what a
        # parent is shown and how the others see them marked.
        f"kind={access.plan.kind}",
        f"withheld={getattr(access, 'hides_withheld', False)}",
        f"marks={getattr(access, 'sees_withheld_marks', False)}",
        f"lang={translation.get_language()}",
        f"day={timezone.localdate().isoformat()}",
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def page_fragment_key(key: str, shown: dict) -> str:
    """The whole page's key: the parts' key (the reader, their access, the content, the
    language, the day) and each value the page shows that changes without a write to the
    plan's content (plans.page_facts.page_shown: the next meeting, unread messages, ...)."""
    text = "\n".join([key, *(f"{name}={shown[name]!r}" for name in sorted(shown))])
    return hashlib.sha256(text.encode()).hexdigest()


def _cache_key(key: str, part: str) -> str:
    return f"plan-fragment:{part}:{key}"


def fragment_get(key: str, part: str) -> str | None:
    return _opened(cache.get(_cache_key(key, part)))


def fragments_get(key: str, parts=PAGE_PARTS, *, page_key: str | None = None) -> dict[str, str]:
    """The whole page for `page_key` if the cache has it ({PAGE: html}), else the parts it
    holds for `key`, in one round trip each: {part: html}."""
    if page_key:
        html = _opened(cache.get(_cache_key(page_key, PAGE)))
        if html is not None:
            return {PAGE: html}
    tokens = cache.get_many([_cache_key(key, part) for part in parts])
    found = {part: _opened(tokens.get(_cache_key(key, part))) for part in parts}
    return {part: html for part, html in found.items() if html is not None}


def _opened(token) -> str | None:
    if token is None:
        return None
    try:
        return zlib.decompress(unseal(token, label=LABEL, max_age=FRAGMENT_SECONDS)).decode()
    except (ValueError, zlib.error):
        logger.warning("plan fragment cache: an entry could not be opened; rendering again")
        return None


def fragment_set(key: str, part: str, html: str) -> None:
    token = seal(zlib.compress(html.encode(), 1), label=LABEL)
    cache.set(_cache_key(key, part), token, FRAGMENT_SECONDS)
