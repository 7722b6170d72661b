from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import StaffMembership
from complaints.models import Complaint
from consent.policy import staff_municipality_ids


def complaints_for_handler(*, user) -> QuerySet[Complaint]:
    municipalities = staff_municipality_ids(user, StaffMembership.Role.CASE_HANDLER)
    return (
        Complaint.objects.filter(case__municipality_id__in=municipalities)
        .select_related("case__person", "decision")
        .order_by("status", "-received_on", "-pk")
    )
