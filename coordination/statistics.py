"""Statistics for the coordinating unit's leaders, per month, in a fixed number of queries
whatever the number of cases: applications, decisions and time to decision, interim replies,
plans, caseloads and complaints."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from complaints.models import Complaint
from coordination.deadlines import interim_reply_due
from coordination.models import Case
from coordination.selectors import coordinator_registry
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


@dataclass
class ComplaintFigures:
    by_ground_and_outcome: dict[str, Counter]
    median_days_to_review: float | None
    median_days_in_review: float | None
    median_days_at_county_governor: float | None
    total: int


def outcome_of(complaint_status: str, sf_outcome: str) -> str:
    if sf_outcome:
        return f"sf_{sf_outcome}"
    return complaint_status


def complaint_figures(*, municipality_ids) -> ComplaintFigures:
    rows = Complaint.objects.filter(case__municipality_id__in=municipality_ids).values_list(
        "ground",
        "status",
        "sf_outcome",
        "received_on",
        "review_started_at",
        "reviewed_at",
        "forwarded_at",
        "sf_decided_on",
    )
    by_ground: dict[str, Counter] = defaultdict(Counter)
    to_review, in_review, at_sf = [], [], []
    total = 0
    for ground, status, sf, received, started, reviewed, forwarded, sf_on in rows:
        total += 1
        by_ground[ground][outcome_of(status, sf)] += 1
        if started:
            to_review.append((timezone.localdate(started) - received).days)
        if started and reviewed:
            in_review.append((reviewed - started).days)
        if forwarded and sf_on:
            at_sf.append((sf_on - timezone.localdate(forwarded)).days)

    def median(values):
        return statistics.median(values) if values else None

    return ComplaintFigures(
        by_ground_and_outcome=dict(by_ground),
        median_days_to_review=median(to_review),
        median_days_in_review=median(in_review),
        median_days_at_county_governor=median(at_sf),
        total=total,
    )


def caseloads(*, municipality_ids):
    return list(coordinator_registry(municipality_ids=municipality_ids))
