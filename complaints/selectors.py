from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import StaffMembership
from complaints.models import Complaint
from consent.models import AccessLogEntry
from consent.policy import staff_municipality_ids


def complaints_for_handler(*, user) -> QuerySet[Complaint]:
    municipalities = staff_municipality_ids(user, StaffMembership.Role.CASE_HANDLER)
    return (
        Complaint.objects.filter(case__municipality_id__in=municipalities)
        .select_related("case__person", "decision")
        .order_by("status", "-received_on", "-pk")
    )


def case_file_plan_export(*, complaint: Complaint) -> AccessLogEntry | None:
    """The plan access-log entry written when the case file was made (the plan as it went to
    Statsforvalteren), or None when the person had no plan then: what a download of the case
    file shows of the plan."""
    if complaint.forwarded_at is None:
        return None
    return (
        AccessLogEntry.objects.filter(
            plan__owner_id=complaint.case.person_id,
            actor_role=AccessLogEntry.ActorRole.CASE_HANDLER,
            action=AccessLogEntry.Action.EXPORT,
            at__lte=complaint.forwarded_at,
        )
        .select_related("plan")
        .order_by("-at", "-id")
        .first()
    )
