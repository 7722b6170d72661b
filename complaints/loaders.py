"""The loader for a complaint: the complaint and the user's access to its case, or 404. Only
the coordinating unit handles complaints; the person files them from their case (loaded by
casework.loaders). Views load complaints only through here."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from complaints.models import Complaint
from consent.policy import CaseAccess, case_access_or_404


def complaint_and_access_or_404(user, complaint_id: int) -> tuple[Complaint, CaseAccess]:
    complaint = get_object_or_404(
        Complaint.objects.select_related("case__municipality", "case__person", "decision"),
        pk=complaint_id,
    )
    access = case_access_or_404(
        user, municipality_id=complaint.case.municipality_id, person_id=complaint.case.person_id
    )
    if not access.can_handle:
        raise Http404
    return complaint, access
