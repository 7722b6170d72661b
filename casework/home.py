"""The home page's cases: the case handler's queue in figures; for a citizen, their letters
and the cases they are waiting on."""

from __future__ import annotations

from django.db.models import Max

from accounts.models import StaffMembership
from casework.models import OPEN_CASE_STATUSES, Case
from casework.selectors import case_queue_summary, cases_for_person_side, letters_for

HOME_CASE_LIMIT = 10
# Cases the person is waiting on: shown on the home page until they are decided.
PENDING = [*OPEN_CASE_STATUSES, Case.Status.COMPLAINT]


def home_part(request, context: dict) -> dict:
    user = request.user
    part: dict = {}
    if context["roles"].has(StaffMembership.Role.CASE_HANDLER):
        part["case_summary"] = case_queue_summary(user=user)
    if context["is_citizen_only"]:
        part["unread_letters"] = letters_for(user=user).filter(read_at__isnull=True).count()
        part["pending_cases"] = list(
            cases_for_person_side(user=user)
            .filter(status__in=PENDING)
            # A case under complaint: the card shows when the complaint came in.
            .annotate(complaint_received_on=Max("complaints__received_on"))[:HOME_CASE_LIMIT]
        )
    return part
