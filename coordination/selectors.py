"""Reads for the coordinating unit's work, scoped to the case handler's municipalities."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import StaffMembership
from consent.policy import staff_municipality_ids
from coordination.models import Case

OPEN_STATUSES = (Case.Status.RECEIVED, Case.Status.ASSESSING)


def interim_reply_due_before(today: datetime.date) -> datetime.date:
    """A case received before this date and still undecided needs an interim reply (fvl § 11 a)."""
    return today - relativedelta(months=1)


def cases_for_case_handler(*, user) -> QuerySet[Case]:
    municipalities = staff_municipality_ids(user, StaffMembership.Role.CASE_HANDLER)
    return Case.objects.filter(municipality_id__in=municipalities)


def case_queue_summary(*, user, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return cases_for_case_handler(user=user).aggregate(
        received=Count("pk", filter=Q(status=Case.Status.RECEIVED)),
        assessing=Count("pk", filter=Q(status=Case.Status.ASSESSING)),
        unassigned=Count("pk", filter=Q(status__in=OPEN_STATUSES, assigned_to__isnull=True)),
        mine=Count("pk", filter=Q(status__in=OPEN_STATUSES, assigned_to=user)),
        interim_due=Count(
            "pk",
            filter=Q(status__in=OPEN_STATUSES, received_on__lt=interim_reply_due_before(today)),
        ),
    )
