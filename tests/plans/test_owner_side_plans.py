"""The home page's own plans (plans.selectors.plans_for_owner_side) are one hand-written query:
the person's open plans and those of the people they act for, with the two people's names, as
the ORM query it replaced found them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from plans.models import Plan
from plans.selectors import plans_for_owner_side
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_the_parent_sees_their_own_and_their_childs_open_plans(
    guardian, child, owner, coordinator, municipality, django_assert_num_queries
):
    relay = PlanFactory(
        municipality=municipality, owner=child, coordinator=None, kind=Plan.Kind.RELAY_LOG
    )
    own = PlanFactory(municipality=municipality, owner=guardian, coordinator=coordinator)
    PlanFactory(municipality=municipality, owner=owner, coordinator=coordinator)  # not theirs
    guardian.refresh_from_db()
    expected = list(
        Plan.objects.filter(owner_id__in=[guardian.pk, child.pk])
        .exclude(status=Plan.Status.CLOSED)
        .select_related("owner", "coordinator")
        .order_by("owner__first_name", "pk")
    )
    with django_assert_num_queries(2):  # the people they act for, then the plans
        found = plans_for_owner_side(user=guardian)
    assert [p.pk for p in found] == [p.pk for p in expected]
    assert {p.pk for p in found} == {relay.pk, own.pk}
    with django_assert_num_queries(0):  # what the cards show is loaded
        for plan, orm in zip(found, expected, strict=True):
            assert (plan.kind, plan.status, plan.owner_id) == (orm.kind, orm.status, orm.owner_id)
            assert plan.owner.display_name == orm.owner.display_name
            assert (plan.coordinator and plan.coordinator.display_name) == (
                orm.coordinator and orm.coordinator.display_name
            )
            assert plan.get_status_display() and plan.kind_info


def test_a_closed_plan_is_not_on_the_home_page(owner, coordinator, municipality):
    plan = PlanFactory(municipality=municipality, owner=owner, coordinator=coordinator)
    assert [p.pk for p in plans_for_owner_side(user=owner)] == [plan.pk]
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.CLOSED, closed_at=timezone.now(), closing_reason="need_ended"
    )
    assert plans_for_owner_side(user=owner) == []
