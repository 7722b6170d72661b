"""Statistics for the coordinating unit's leaders, per month, in a fixed number of queries
whatever the number of cases: applications, decisions and time to decision, interim replies,
plans, caseloads and complaints."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from casework.deadlines import InterimReplyDue
from casework.models import Case
from casework.selectors import coordinator_registry
from ipplan.parts import Parts
from plans.models import Plan


@dataclass
class Month:
    start: datetime.date
    received: int = 0
    decided: int = 0
    # Days from receipt to decision -> how many of the month's decisions took that long: the
    # database counts them (GROUP BY), so no case is read one by one.
    decision_days: dict[int, int] = field(default_factory=dict)
    interim_late: int = 0

    @property
    def median_days(self) -> float | None:
        n = sum(self.decision_days.values())
        if not n:
            return None
        if n % 2:
            return _nth(self.decision_days, n // 2)
        return (_nth(self.decision_days, n // 2 - 1) + _nth(self.decision_days, n // 2)) / 2

    @property
    def p90_days(self) -> float | None:
        return percentile_of_counts(self.decision_days, 90)


def _nth(counts: dict[int, int], index: int) -> int:
    """The value at `index` (from 0) of the sorted values that `counts` stands for."""
    for value in sorted(counts):
        index -= counts[value]
        if index < 0:
            return value
    raise IndexError(index)


def percentile(values: list[int], pct: int) -> float | None:
    """Nearest-rank percentile (no interpolation): a value that actually occurred."""
    return percentile_of_counts(Counter(values), pct)


def percentile_of_counts(counts: dict[int, int], pct: int) -> float | None:
    n = sum(counts.values())
    if not n:
        return None
    rank = max(1, -(-pct * n // 100))  # ceil(pct/100 * n)
    return _nth(counts, rank - 1)


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


def monthly(*, municipality_ids, today=None, months: int = 12) -> list[Month]:
    """The figures per month, each computed by the database (three GROUP BY queries)."""
    today = today or timezone.localdate()
    starts = _months(today, months)
    rows = {start: Month(start=start) for start in starts}
    cases = Case.objects.filter(municipality_id__in=municipality_ids, received_on__gte=starts[0])
    received = (
        cases.annotate(month=TruncMonth("received_on"), due=InterimReplyDue("received_on"))
        .values("month")
        .annotate(n=Count("pk"), late=Count("pk", filter=interim_late_filter(today)))
        .order_by()
    )
    for row in received:
        month = rows.get(_as_date(row["month"]))
        if month is not None:
            month.received, month.interim_late = row["n"], row["late"]
    decided = (
        Case.objects.filter(municipality_id__in=municipality_ids, decided_on__gte=starts[0])
        .annotate(
            month=TruncMonth("decided_on"),
            days=ExpressionWrapper(
                F("decided_on") - F("received_on"), output_field=DurationField()
            ),
        )
        .values("month", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in decided:
        month = rows.get(_as_date(row["month"]))
        if month is not None:
            month.decided += row["n"]
            month.decision_days[row["days"].days] = row["n"]
    return [rows[start] for start in starts]


@dataclass
class PlanFigures:
    active: int
    evaluation_overdue: int


def plan_figures(*, municipality_ids, today=None) -> PlanFigures:
    today = today or timezone.localdate()
    figures = Plan.objects.filter(
        municipality_id__in=municipality_ids, status=Plan.Status.ACTIVE
    ).aggregate(active=Count("pk"), overdue=Count("pk", filter=Q(next_evaluation__lt=today)))
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
