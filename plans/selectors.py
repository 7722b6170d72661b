"""Reads of plans, permission-aware: every function takes the user it reads for."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.roles import represented_people_ids
from consent.policy import plans_visible_filter
from plans.models import Plan


def plans_for_owner_side(*, user) -> list[Plan]:
    """The user's own open plan and the open plans of people they act for."""
    people = {user.pk, *represented_people_ids(user)}
    return list(
        Plan.objects.filter(owner_id__in=people)
        .exclude(status=Plan.Status.CLOSED)
        .select_related("owner", "coordinator", "municipality")
        .order_by("owner__first_name", "pk")
    )


def coordinator_plans(*, user, include_closed: bool = False) -> QuerySet[Plan]:
    plans = (
        Plan.objects.filter(plans_visible_filter(user), coordinator=user)
        .select_related("owner", "municipality")
        .order_by("owner__last_name", "owner__first_name", "pk")
    )
    if not include_closed:
        plans = plans.exclude(status=Plan.Status.CLOSED)
    return plans
