"""Statistics for the coordinating unit's leaders, per month, in a fixed number of queries
whatever the number of cases: applications, decisions and time to decision, interim replies,
plans, caseloads and complaints."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from casework.deadlines import DaysBetween, InterimReplyDue
from casework.models import Case
from casework.selectors import coordinator_registry
from ipplan.parts import Parts
from plans.models import Plan


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


def interim_late_filter(today: datetime.date) -> Q:
    """A case needed an interim reply if undecided a month after receipt (`due`, annotated);
    it was late if the reply did not come by then (or never came)."""
    needed = Q(decided_on__gt=F("due")) | Q(decided_on__isnull=True, due__lt=today)
    late = Q(interim_reply_sent_on__isnull=True) | Q(interim_reply_sent_on__gt=F("due"))
    return Q(due__lte=today) & needed & late


def _decision_days_at_ranks(municipality_ids, since: datetime.date):
    """Per month of decision: how many decisions, and the days from receipt to decision at
    the ranks the median and the 90th percentile need ({rank: days}). The database numbers
    each month's decisions in order of days (window functions) and returns only those rows:
    at most three a month, whatever the number of cases."""
    month = TruncMonth("decided_on")
    days = DaysBetween("decided_on", "received_on")
    n = F("n")
    rows = (
        Case.objects.filter(municipality_id__in=municipality_ids, decided_on__gte=since)
        .annotate(
            month=month,
            days=days,
            # Counted and ordered by columns of the index alone (casework_case_decided_stats);
            # ties in days give the same value, whichever case comes first.
            n=Window(Count("*"), partition_by=[month]),
            rank=Window(RowNumber(), partition_by=[month], order_by=[days.asc()]),
        )
        # _ranks_wanted(n), in SQL (integer division on both sides).
        .filter(Q(rank=(n + 1) / 2) | Q(rank=n / 2 + 1) | Q(rank=(n * 9 + 9) / 10))
        .values_list("month", "n", "rank", "days")
        .order_by()
    )
    per_month: dict = {}
    for month_start, count, rank, value in rows:
        per_month.setdefault(month_start, (count, {}))[1][rank] = value
    return [(month_start, count, at_rank) for month_start, (count, at_rank) in per_month.items()]


def monthly(*, municipality_ids, today=None, months: int = 12) -> list[Month]:
    """The figures per month, computed by the database: one GROUP BY for what was received,
    one window query for the decisions (counts, median and 90th percentile)."""
    today = today or timezone.localdate()
    starts = _months(today, months)
    rows = {start: Month(start=start) for start in starts}
    cases = Case.objects.filter(municipality_id__in=municipality_ids, received_on__gte=starts[0])
    received = (
        cases.annotate(month=TruncMonth("received_on"), due=InterimReplyDue("received_on"))
        .values("month")
        .annotate(
            n=Count("received_on"), late=Count("received_on", filter=interim_late_filter(today))
        )
        .order_by()
    )
    for row in received:
        month = rows.get(_as_date(row["month"]))
        if month is not None:
            month.received, month.interim_late = row["n"], row["late"]
    for month_start, n, days in _decision_days_at_ranks(municipality_ids, starts[0]):
        month = rows.get(_as_date(month_start))
        if month is not None:
            month.decided = n
            lower, upper, p90 = _ranks_wanted(n)
            month.median_days = days[lower] if lower == upper else (days[lower] + days[upper]) / 2
            month.p90_days = days[p90]
    return [rows[start] for start in starts]


@dataclass
class PlanFigures:
    active: int
    evaluation_overdue: int


def plan_figures(*, municipality_ids, today=None) -> PlanFigures:
    today = today or timezone.localdate()
    figures = Plan.objects.filter(
        municipality_id__in=municipality_ids, status=Plan.Status.ACTIVE
    ).aggregate(
        # Counted over the index's own columns, not the id: PostgreSQL answers from the index
        # (municipality, status, next_evaluation) alone. An overdue date is never null.
        active=Count("*"),
        overdue=Count("next_evaluation", filter=Q(next_evaluation__lt=today)),
    )
    return PlanFigures(active=figures["active"], evaluation_overdue=figures["overdue"])


def caseloads(*, municipality_ids):
    return list(coordinator_registry(municipality_ids=municipality_ids))


# Parts of the statistics page that apps above casework add (complaints registers its figures
# in its AppConfig.ready()): `func(municipality_ids=...)` returns template context.
_parts = Parts()


def register_statistics_part(func):
    return _parts.register(func)


def statistics_parts(*, municipality_ids) -> dict:
    return _parts.collect(municipality_ids=municipality_ids)
