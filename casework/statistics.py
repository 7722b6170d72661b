"""Statistics for the coordinating unit's leaders, per month, in a fixed number of queries
whatever the number of cases: applications, decisions and time to decision, interim replies,
plans, caseloads and complaints.

The page shows a snapshot (page_snapshot): worked out at most once every SNAPSHOT_SECONDS for
each set of municipalities, language and day, and it says when it was worked out. A year of
cases is read in one query, but that query's cost grows with the cases (3 ms in the database at
20,000 cases, issue 14); a report of whole months does not need to be read afresh on every
view. The CSV download is always worked out afresh.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import pickle
from dataclasses import dataclass, replace

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import User
from casework.models import CoordinatorProfile
from ipplan.parts import Parts
from plans.models import Plan

logger = logging.getLogger(__name__)


@dataclass
class Month:
    start: datetime.date
    received: int = 0
    decided: int = 0
    # Days from receipt to decision: the median (the mean of the two middle values when the
    # count is even) and the 90th percentile (nearest rank), picked out by the database.
    median_days: float | None = None
    p90_days: float | None = None
    interim_late: int = 0


def _ranks_wanted(n: int) -> tuple[int, int, int]:
    """The ranks (from 1, in order of days) of the lower and upper middle value and of the
    nearest-rank 90th percentile among `n` values; the same integer arithmetic runs in SQL."""
    return (n + 1) // 2, n // 2 + 1, (9 * n + 9) // 10


def percentile(values: list[int], pct: int) -> float | None:
    """Nearest-rank percentile (no interpolation): a value that actually occurred."""
    if not values:
        return None
    rank = max(1, -(-pct * len(values) // 100))  # ceil(pct/100 * n)
    return sorted(values)[rank - 1]


def _months(today: datetime.date, count: int) -> list[datetime.date]:
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in range(count - 1, -1, -1)]


def _as_date(month) -> datetime.date:
    return month.date() if isinstance(month, datetime.datetime) else month


def _vendor_sql(vendor: str) -> dict[str, str]:
    """The few expressions that differ between PostgreSQL and SQLite: the first day of the
    month (a timestamp in PostgreSQL: cheaper than truncating a date, which goes through the
    time zone), InterimReplyDue and DaysBetween (as those compile)."""
    if vendor == "sqlite":
        return {
            "received_month": "date(received_on, 'start of month')",
            "decided_month": "date(decided_on, 'start of month')",
            "due": "min(date(received_on, '+1 month'), "
            "date(received_on, 'start of month', '+2 months', '-1 day'))",
            "days": "CAST(julianday(decided_on) - julianday(received_on) AS INTEGER)",
        }
    return {
        "received_month": "date_trunc('month', received_on::timestamp)",
        "decided_month": "date_trunc('month', decided_on::timestamp)",
        "due": "(received_on + interval '1 month')::date",
        "days": "(decided_on - received_on)",
    }


# One round trip, in three parts (UNION ALL), each read from its own index alone
# (casework_case_decided_stats, casework_case_received_stats, plans_plan_statistics):
# - 'd': the decisions per month counted by days to decision (k cases took `days` days; a
#   histogram, far fewer rows than decisions), with the month's count n and the running count
#   cum in order of days (window sums, cast back to integers for the integer division); only
#   the rows holding one of the ranks _ranks_wanted gives (the ranks cum - k + 1 .. cum) come
#   back: at most three a month.
# - 'r': what was received per month, and of it the interim replies late or missing (needed:
#   undecided a month after receipt, `due`; late: not sent by then). Grouped by day first, in
#   the index's order, then the days by month.
# - 'p': the active plans and those with the evaluation overdue (never null when active).
_FIGURES_SQL = """
SELECT 'd', month, n, days, cum, k FROM (
  SELECT month, days, k, CAST(SUM(k) OVER (PARTITION BY month) AS INTEGER) AS n,
    CAST(SUM(k) OVER (PARTITION BY month ORDER BY days) AS INTEGER) AS cum
  FROM (
    SELECT {decided_month} AS month, {days} AS days, COUNT(*) AS k
    FROM casework_case
    WHERE municipality_id IN ({ids}) AND decided_on >= %(since)s
    GROUP BY 1, 2
  ) histogram
) running
WHERE (n + 1) / 2 BETWEEN cum - k + 1 AND cum OR n / 2 + 1 BETWEEN cum - k + 1 AND cum
  OR (n * 9 + 9) / 10 BETWEEN cum - k + 1 AND cum
UNION ALL
SELECT 'r', {received_month}, CAST(SUM(n) AS INTEGER), CAST(SUM(late) AS INTEGER), NULL, NULL
FROM (
  SELECT received_on, COUNT(*) AS n, COUNT(CASE WHEN due <= %(today)s
      AND (decided_on > due OR (decided_on IS NULL AND due < %(today)s))
      AND (interim_reply_sent_on IS NULL OR interim_reply_sent_on > due) THEN 1 END) AS late
  FROM (
    SELECT received_on, {due} AS due, decided_on, interim_reply_sent_on
    FROM casework_case
    WHERE municipality_id IN ({ids}) AND received_on >= %(since)s
  ) received
  GROUP BY received_on
) per_day
GROUP BY 2
"""

_PLANS_SQL = """
UNION ALL
SELECT 'p', NULL, COUNT(*), COUNT(CASE WHEN next_evaluation < %(today)s THEN 1 END), NULL, NULL
FROM plans_plan
WHERE municipality_id IN ({ids}) AND status = %(active)s
"""


def _as_day(value) -> datetime.date:
    """A month from the hand-written SQL: a date (PostgreSQL) or ISO text (SQLite)."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return _as_date(value)


def _figure_rows(ids, since, today, with_plans) -> list[tuple]:
    params = {f"m{i}": pk for i, pk in enumerate(ids)}
    sql = (_FIGURES_SQL + (_PLANS_SQL if with_plans else "")).format(
        ids=", ".join(f"%({key})s" for key in params), **_vendor_sql(connection.vendor)
    )
    params |= {"since": since, "today": today, "active": Plan.Status.ACTIVE}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def figures(*, municipality_ids, today=None, months: int = 12, with_plans: bool = True):
    """The monthly figures (and the plan figures) in one hand-written query: (months,
    PlanFigures or None). Held to the ORM queries it replaced by
    tests/casework/test_statistics_in_sql.py."""
    today = today or timezone.localdate()
    starts = _months(today, months)
    rows = {start: Month(start=start) for start in starts}
    ids = sorted(municipality_ids)
    plans = PlanFigures(active=0, evaluation_overdue=0) if with_plans else None
    if not ids:
        return [rows[start] for start in starts], plans
    decided: dict = {}
    for kind, month_start, a, b, c, d in _figure_rows(ids, starts[0], today, with_plans):
        if kind == "p":
            plans = PlanFigures(active=a, evaluation_overdue=b)
            continue
        month = rows.get(_as_day(month_start))
        if month is None:
            continue
        if kind == "r":
            month.received, month.interim_late = a, b
        else:
            # a cases decided this month; d of them took b days, ranks c - d + 1 .. c.
            month.decided = a
            at_rank = decided.setdefault(month.start, {})
            for rank in _ranks_wanted(a):
                if c - d < rank <= c:
                    at_rank[rank] = b
    for start, days in decided.items():
        month = rows[start]
        lower, upper, p90 = _ranks_wanted(month.decided)
        month.median_days = days[lower] if lower == upper else (days[lower] + days[upper]) / 2
        month.p90_days = days[p90]
    return [rows[start] for start in starts], plans


def monthly(*, municipality_ids, today=None, months: int = 12) -> list[Month]:
    """The figures per month, computed by the database in one query (see figures())."""
    found, _plans = figures(
        municipality_ids=municipality_ids, today=today, months=months, with_plans=False
    )
    return found


@dataclass
class PlanFigures:
    active: int
    evaluation_overdue: int


# The registry's coordinators with their caseload (open plans they coordinate in the profile's
# municipality), as coordinator_registry() gives them, in one hand-written query: the page
# shows each one's name, caseload and training date. Held to coordinator_registry by
# tests/casework/test_statistics_in_sql.py.
_CASELOADS_SQL = """
SELECT cp.id, cp.user_id, cp.municipality_id, cp.trained_on, u.username, u.first_name,
  u.last_name, COUNT(p.id)
FROM casework_coordinatorprofile cp
JOIN accounts_user u ON u.id = cp.user_id
LEFT JOIN plans_plan p ON p.coordinator_id = cp.user_id
  AND p.municipality_id = cp.municipality_id AND p.status <> %s
WHERE cp.municipality_id IN ({ids})
GROUP BY cp.id, cp.user_id, cp.municipality_id, cp.trained_on, u.username, u.first_name,
  u.last_name
ORDER BY u.first_name, u.last_name, cp.id
"""


def caseloads(*, municipality_ids) -> list[CoordinatorProfile]:
    ids = sorted(municipality_ids)
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            _CASELOADS_SQL.format(ids=", ".join(["%s"] * len(ids))), [Plan.Status.CLOSED, *ids]
        )
        rows = cursor.fetchall()
    db, profiles = connection.alias, []
    # from_db takes the values in the order of the model's fields.
    for pk, user_id, municipality_id, trained_on, *names, caseload in rows:
        profile = CoordinatorProfile.from_db(
            db,
            ("id", "user_id", "municipality_id", "trained_on"),
            (pk, user_id, municipality_id, trained_on),
        )
        profile.user = User.from_db(
            db, ("id", "username", "first_name", "last_name"), (user_id, *names)
        )
        profile.caseload = caseload
        profiles.append(profile)
    return profiles


# Parts of the statistics page that apps above casework add (complaints registers its figures
# in its AppConfig.ready()): `func(municipality_ids=...)` returns template context.
_parts = Parts()


def register_statistics_part(func):
    return _parts.register(func)


def statistics_parts(*, municipality_ids) -> dict:
    return _parts.collect(municipality_ids=municipality_ids)


SNAPSHOT_SECONDS = 300
# What reading a snapshot that another release stored can raise (the cache pickles it).
_UNREADABLE = (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError, ValueError)
# Part of the cache key: raise it when Snapshot or what it holds changes shape, so that a new
# release never reads what an older one stored.
_SNAPSHOT_FORMAT = 2


@dataclass(frozen=True)
class Snapshot:
    """Everything the statistics page shows, as worked out at `computed_at`."""

    months: list[Month]
    plans: PlanFigures
    caseloads: list[CoordinatorProfile]
    parts: dict
    computed_at: datetime.datetime
    # The page's body as HTML, made from the rest once per snapshot (page_snapshot's `render`):
    # a view then renders only the page frame (issue 14).
    html: str = ""


def _snapshot_key(ids: list[int], today: datetime.date) -> str:
    # The municipalities as a hash: a unit may serve many, and a key has a length limit.
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]
    return f"statistics:{_SNAPSHOT_FORMAT}:{get_language()}:{today.isoformat()}:{digest}"


def page_snapshot(*, municipality_ids, today=None, render=None) -> Snapshot:
    """The statistics page's figures for these municipalities: from the cache when worked out
    less than SNAPSHOT_SECONDS ago today in this language (the parts hold translated labels),
    else worked out now (four queries) and kept. Each set of municipalities has its own
    snapshot, so no unit ever sees another's figures. `render(snapshot)`, when given, makes
    the page's HTML from the figures, kept as the snapshot's `html` (it may depend only on the
    snapshot, the language and the day, which the snapshot's key holds)."""
    today = today or timezone.localdate()
    ids = sorted(municipality_ids)
    key = _snapshot_key(ids, today)
    try:
        found = cache.get(key)
    except _UNREADABLE as error:
        kind = type(error).__name__
        logger.warning("statistics snapshot unreadable (%s): working it out again", kind)
        found = None
    if isinstance(found, Snapshot):
        if render is not None and not found.html:
            found = replace(found, html=render(found))
        return found
    months, plans = figures(municipality_ids=ids, today=today)
    snapshot = Snapshot(
        months=months,
        plans=plans,
        caseloads=caseloads(municipality_ids=ids),
        parts=statistics_parts(municipality_ids=ids),
        computed_at=timezone.now(),
    )
    if render is not None:
        snapshot = replace(snapshot, html=render(snapshot))
    cache.set(key, snapshot, SNAPSHOT_SECONDS)
    return snapshot
