"""Who consents for a child under 16 (pbrl § 4-4): the parents with parental responsibility,
both of them where they share it; one alone where one has it alone; a parent without parental
responsibility has no say and no access; where the child welfare service has taken over care,
the service consents. Parental responsibility is what the coordinating unit registered (a
PARENT representation from the population register or a birth certificate); the other parent
named on a registration is a record, not a role. These tests pin that rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Representation
from consent.models import Consent
from consent.policy import may_decide_for_owner, parents_who_must_consent, plan_access
from consent.selectors import active_plan_consent
from consent.services import plan_consent_give
from tests.factories import UserFactory, represent

pytestmark = pytest.mark.django_db


@pytest.fixture
def mother(child):
    """Mari: Emma's mother. Whether she has parental responsibility depends on the test."""
    return UserFactory(username="mari", first_name="Mari", last_name="Berg")


def test_joint_responsibility_two_must_consent(child_plan, guardian, mother, child):
    represent(child, mother)
    must = {rep.representative for rep in parents_who_must_consent(child_plan, _today())}
    assert must == {guardian, mother}
    plan_consent_give(plan=child_plan, acting_user=guardian, child_view="Ja.")
    assert active_plan_consent(child_plan) is None  # not in force on one signature
    plan_consent_give(plan=child_plan, acting_user=mother)
    assert active_plan_consent(child_plan) is not None


def test_sole_responsibility_one_consent_is_enough(child_plan, guardian, mother):
    """Lars has parental responsibility alone; Mari is named on his registration only."""
    Representation.objects.filter(representative=guardian).update(
        other_parent=mother, other_parent_name="Mari Berg"
    )
    must = [rep.representative for rep in parents_who_must_consent(child_plan, _today())]
    assert must == [guardian]
    consent = plan_consent_give(plan=child_plan, acting_user=guardian, child_view="Ja.")
    assert active_plan_consent(child_plan) == consent
    assert consent.given_by_role == Consent.GiverRole.PARENT


def test_a_parent_without_responsibility_has_no_say_and_no_access(
    client, child_plan, guardian, mother
):
    Representation.objects.filter(representative=guardian).update(other_parent=mother)
    assert not plan_access(mother, child_plan).allowed
    assert not may_decide_for_owner(mother, child_plan)
    with pytest.raises(PermissionDenied):
        plan_consent_give(plan=child_plan, acting_user=mother, child_view="Ja.")
    client.force_login(mother)
    assert client.get(reverse("plans:detail", args=[child_plan.pk])).status_code == 404
    assert client.get(reverse("consent:give", args=[child_plan.pk])).status_code == 404
    assert not Consent.objects.exists()


def test_in_care_the_child_welfare_service_consents_and_no_parent_is_asked(
    child_plan, child, guardian, mother
):
    represent(child, mother)
    caseworker = UserFactory(username="bv", first_name="Berit")
    represent(child, caseworker, kind=Representation.Kind.CHILD_WELFARE)
    assert parents_who_must_consent(child_plan, _today()) == []
    assert not may_decide_for_owner(guardian, child_plan)
    assert not may_decide_for_owner(mother, child_plan)
    consent = plan_consent_give(plan=child_plan, acting_user=caseworker, child_view="Ja.")
    assert active_plan_consent(child_plan) == consent
    assert consent.given_by_role == Consent.GiverRole.CHILD_WELFARE


def _today():
    return timezone.localdate()
