"""Statistics for the coordinating unit's leaders, per month, in a fixed number of queries
whatever the number of cases: applications, decisions and time to decision, interim replies,
plans, caseloads and complaints."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from casework.deadlines import interim_reply_due
from casework.models import Case
from casework.selectors import coordinator_registry
from ipplan.parts import Parts
from plans.models import Plan


@dataclass
class Month:
    start: datetime.date
    received: int = 0
    decided: int = 0
    days_to_decision: list[int] = field(default_factory=list)
    interim_late: int = 0

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_decision) if self.days_to_decision else None

    @property
    def p90_days(self) -> float | None:
        return percentile(self.days_to_decision, 90)


def percentile(values: list[int], pct: int) -> float | None:
    """Nearest-rank percentile (no interpolation): a value that actually occurred."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-pct * len(ordered) // 100))  # ceil(pct/100 * n)
    return ordered[rank - 1]


def _months(today: datetime.date, count: int) -> list[datetime.date]:
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in range(count - 1, -1, -1)]


def monthly(*, municipality_ids, today=None, months: int = 12) -> list[Month]:
    today = today or timezone.localdate()
    starts = _months(today, months)
    rows = {start: Month(start=start) for start in starts}
    cases = Case.objects.filter(municipality_id__in=municipality_ids, received_on__gte=starts[0])
    for row in (
        cases.annotate(month=TruncMonth("received_on")).values("month").annotate(n=Count("pk"))
    ):
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        if month in rows:
            rows[month].received = row["n"]
    decided = Case.objects.filter(
        municipality_id__in=municipality_ids, decided_on__gte=starts[0]
    ).values_list("received_on", "decided_on")
    for received_on, decided_on in decided:
        month = rows.get(decided_on.replace(day=1))
        if month is not None:
            month.decided += 1
            month.days_to_decision.append((decided_on - received_on).days)
    # A case needed an interim reply if undecided a month after receipt; it was late if the
    # reply did not come by then (or never came).
    for received_on, decided_on, interim_on in cases.values_list(
        "received_on", "decided_on", "interim_reply_sent_on"
    ):
        due = interim_reply_due(received_on)
        needed = (decided_on or today) > due
        if needed and (interim_on is None or interim_on > due) and due <= today:
            rows[received_on.replace(day=1)].interim_late += 1
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
