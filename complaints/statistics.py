"""Complaints in the coordinating unit's statistics: by ground and outcome, and the time each
step takes (registered as a part of casework's statistics page in ComplaintsConfig.ready())."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint
from ipplan.sqlrows import converted_rows


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


# The complaints in the municipalities, newest first (the model's ordering: the page lists
# grounds and outcomes in the order first met), as the ORM query
# Complaint.objects.filter(case__municipality_id__in=...).values_list(...) gave them, written
# by hand (the statistics page pays for every query it builds).
_COMPLAINTS_SQL = """
SELECT c.ground, c.status, c.sf_outcome, c.received_on, c.review_started_at, c.reviewed_at,
  c.forwarded_at, c.sf_decided_on
FROM complaints_complaint c
JOIN casework_case k ON k.id = c.case_id
WHERE k.municipality_id IN ({ids})
ORDER BY c.received_on DESC, c.id DESC
"""
_COMPLAINT_COLUMNS = tuple(
    Complaint._meta.get_field(name)
    for name in (
        "ground",
        "status",
        "sf_outcome",
        "received_on",
        "review_started_at",
        "reviewed_at",
        "forwarded_at",
        "sf_decided_on",
    )
)


def _complaint_rows(municipality_ids) -> list[tuple]:
    ids = sorted(municipality_ids)
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_COMPLAINTS_SQL.format(ids=", ".join(["%s"] * len(ids))), ids)
        rows = cursor.fetchall()
    # Read as the ORM reads them (SQLite gives timestamps without their zone, UTC).
    return [tuple(row) for row in converted_rows(connection, _COMPLAINT_COLUMNS, rows)]


def complaint_figures(*, municipality_ids) -> ComplaintFigures:
    rows = _complaint_rows(municipality_ids)
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


def statistics_part(*, municipality_ids) -> dict:
    complaints = complaint_figures(municipality_ids=municipality_ids)
    outcomes = dict(Complaint.Status.choices) | {
        f"sf_{k}": _("Statsforvalteren: %s") % v for k, v in Complaint.SfOutcome.choices
    }
    grounds = dict(Complaint.Ground.choices)
    return {
        "complaints": complaints,
        "complaint_rows": [
            (grounds.get(g, g), [(outcomes.get(o, o), n) for o, n in c.items()])
            for g, c in complaints.by_ground_and_outcome.items()
        ],
    }
