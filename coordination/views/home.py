from __future__ import annotations

from django.shortcuts import render

from accounts.models import StaffMembership
from accounts.roles import user_roles
from consent.models import AccessLogEntry
from consent.policy import participating_plans, plan_access_many
from consent.reads import log_read
from coordination.models import OPEN_CASE_STATUSES, Case
from coordination.selectors import (
    case_queue_summary,
    cases_for_person_side,
    home_summaries,
    letters_for,
)
from plans.sections import OVERVIEW
from plans.selectors import coordinator_plans, plans_for_owner_side

Role = StaffMembership.Role
HOME_PLAN_LIMIT = 10
# Cases the person is waiting on: shown on the home page until they are decided.
PENDING = [*OPEN_CASE_STATUSES, Case.Status.COMPLAINT]


def home(request):
    """One page per person: the sections match the roles they hold."""
    user = request.user
    roles = user_roles(user)
    context = {"roles": roles, "own_plans": plans_for_owner_side(user=user)}
    summaries = home_summaries(user, context["own_plans"])
    for plan in context["own_plans"]:
        plan.summary = summaries[plan.pk]
    shown = list(context["own_plans"])
    if roles.has(Role.COORDINATOR):
        coordinated = coordinator_plans(user=user)
        context["coordinated_plans"] = list(coordinated[:HOME_PLAN_LIMIT])
        context["coordinated_count"] = coordinated.count()
        shown += context["coordinated_plans"]
    if roles.has(Role.CASE_HANDLER):
        context["case_summary"] = case_queue_summary(user=user)
    context["is_administrator"] = roles.has(Role.ADMINISTRATOR)
    participating = list(
        participating_plans(user).select_related("owner", "coordinator")[:HOME_PLAN_LIMIT]
    )
    context["participating_plans"] = participating
    shown += participating
    context["is_citizen_only"] = not roles.is_staff_member
    if context["is_citizen_only"]:
        context["unread_letters"] = letters_for(user=user).filter(read_at__isnull=True).count()
        context["pending_cases"] = list(
            cases_for_person_side(user=user).filter(status__in=PENDING)[:HOME_PLAN_LIMIT]
        )
    for access in plan_access_many(user, shown):
        if access.allowed:
            log_read(request, access, OVERVIEW, action=AccessLogEntry.Action.LIST)
    return render(request, "coordination/home.html", context)
