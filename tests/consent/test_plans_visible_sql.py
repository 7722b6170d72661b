"""plans_visible_sql is plans_visible_filter written out as SQL, for the lists that build their
query by hand (the coordinator's list). For every persona, over plans reached every way (owned,
acted for, held in a role that may hold the kind, held without that role, granted in force,
expired, revoked, not yet started, granted to a participant no longer in the plan), the two
must find the same plans."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from consent.models import AccessGrant
from consent.policy import plans_visible_filter, plans_visible_sql
from consent.selectors import plan_consent_exists, plan_consent_exists_sql
from consent.services import grants_decide, plan_consent_give, plan_consent_mark_withdrawn
from plans.models import Participant, Plan
from tests.consent.conftest import IN_A_MONTH
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _by_sql(user) -> set[int]:
    condition, params = plans_visible_sql(user, plan="p")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM plans_plan p WHERE {condition}", params)  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def _by_orm(user) -> set[int]:
    return set(Plan.objects.filter(plans_visible_filter(user)).values_list("pk", flat=True))


def _participant(plan, user):
    return Participant.objects.create(
        plan=plan, user=user, name=user.username, role="service_provider"
    )


@pytest.fixture
def every_way_in(
    access_plan,
    plan,
    coordinator,
    other_coordinator,
    other_municipality,
    professional,
    municipality,
):
    """Besides Emma's plan with its four participants and Ingrid's plan: a plan Kari holds in
    Bakkeby, where she is no coordinator, without and then with a grant; a relay log Per holds
    as a professional; Jon's plan, with a grant to Kari that has not started, and one to Per
    whose participant has left."""
    elsewhere = PlanFactory(municipality=other_municipality, coordinator=coordinator)
    granted_elsewhere = PlanFactory(municipality=other_municipality, coordinator=coordinator)
    participant = _participant(granted_elsewhere, coordinator)
    grants_decide(
        plan=granted_elsewhere,
        participant=participant,
        levels={"goals": "read"},
        ends_on=IN_A_MONTH,
        acting_user=granted_elsewhere.owner,
    )
    PlanFactory(municipality=municipality, coordinator=professional, kind=Plan.Kind.RELAY_LOG)
    PlanFactory(municipality=municipality, coordinator=professional)  # a kind Per may not hold
    jons = PlanFactory(municipality=other_municipality, coordinator=other_coordinator)
    for user in [coordinator, professional]:
        participant = _participant(jons, user)
        grants_decide(
            plan=jons,
            participant=participant,
            levels={"measures": "read"},
            ends_on=IN_A_MONTH,
            acting_user=jons.owner,
        )
    later = timezone.now() + datetime.timedelta(days=2)
    AccessGrant.objects.filter(plan=jons, participant__user=coordinator).update(starts_at=later)
    jons.participants.filter(user=professional).update(is_active=False)
    return elsewhere


def test_the_sql_finds_the_plans_the_filter_finds(
    every_way_in,
    access_plan,
    owner,
    child,
    guardian,
    coordinator,
    other_coordinator,
    professional,
    case_handler,
    stranger,
):
    people = [owner, child, guardian, coordinator, other_coordinator, professional, case_handler]
    people += [
        stranger,
        *(access_plan.people[k] for k in ("nurse", "teacher", "expired", "revoked")),
    ]
    found = {}
    for user in people:
        found[user.username] = _by_sql(user)
        assert found[user.username] == _by_orm(user), user.username
    # The cases above are there: each way in lets someone in, and each way out keeps someone out.
    assert access_plan.pk in found["nurse"] and access_plan.pk not in found["expired"]
    assert access_plan.pk not in found["revoked"] and access_plan.pk in found["lars"]
    assert every_way_in.pk not in found["kari"] and len(found["kari"]) == 3
    assert len(found["per"]) == 1 and found["siv"] == set()


def test_nobody_logged_in_or_deactivated_sees_nothing(plan, owner):
    owner.is_active = False
    assert _by_sql(owner) == set() == _by_orm(owner)


def test_the_consent_condition_finds_the_plans_with_a_consent_in_force(plan, owner, municipality):
    given, withdrawn, _none = plan, PlanFactory(municipality=municipality), PlanFactory()
    plan_consent_give(plan=given, acting_user=owner)
    plan_consent_give(plan=withdrawn, acting_user=withdrawn.owner)
    plan_consent_mark_withdrawn(plan=withdrawn, acting_user=withdrawn.owner)
    condition, params = plan_consent_exists_sql(plan="p")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM plans_plan p WHERE {condition}", params)  # noqa: S608
        by_sql = {row[0] for row in cursor.fetchall()}
    by_orm = set(Plan.objects.filter(plan_consent_exists()).values_list("pk", flat=True))
    assert by_sql == by_orm == {given.pk}


def test_a_name_that_is_no_identifier_is_refused(owner):
    with pytest.raises(ValueError, match="identifier"):
        plans_visible_sql(owner, plan="p; DROP TABLE plans_plan")
    with pytest.raises(ValueError, match="identifier"):
        plan_consent_exists_sql(plan="p)--")


def test_every_permission_is_on_a_section_of_its_own_grants_plan(every_way_in, access_plan):
    """plans_visible_sql reaches the plan through the grant, the ORM's filter through the
    section: the same plan, as long as the grant services only ever give a permission on a
    section of the grant's own plan (granted, revoked, expired, not started, left)."""
    from django.db.models import F

    from consent.models import PlanSectionUserObjectPermission

    permissions = PlanSectionUserObjectPermission.objects.all()
    assert permissions.count() >= 6
    assert not permissions.exclude(content_object__plan_id=F("grant__plan_id")).exists()
