"""plan_with_people is the plan loader every plan page's access check goes through
(plan_and_access_or_404), written by hand instead of the ORM query below, kept here as the
oracle: for plans with and without a coordinator, closed and open, with dates, times and flags
set and unset, both must give the same plan, owner, coordinator and municipality, every field,
loaded (no query on reading them) and saved-state as the ORM leaves them."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from consent.policy import plan_and_access_or_404, plan_with_people
from plans.models import Plan
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _by_orm(plan_id):
    return (
        Plan.objects.select_related("owner", "coordinator", "municipality")
        .filter(pk=plan_id)
        .first()
    )


def _values(obj):
    if obj is None:
        return None
    return [(f.attname, getattr(obj, f.attname)) for f in obj._meta.concrete_fields]


def _same(ours, theirs):
    assert type(ours) is type(theirs) is Plan
    assert _values(ours) == _values(theirs)
    for relation in ("owner", "coordinator", "municipality"):
        assert _values(getattr(ours, relation)) == _values(getattr(theirs, relation))
    assert (ours._state.adding, ours._state.db) == (theirs._state.adding, theirs._state.db)
    assert ours.owner._state.adding is False and ours.municipality._state.adding is False


@pytest.fixture
def varied_plans(plan, child_plan, access_plan, coordinator, other_municipality, owner):
    now = timezone.now()
    closed = PlanFactory(
        municipality=other_municipality,
        owner=owner,
        coordinator=None,
        status=Plan.Status.CLOSED,
        closed_at=now - datetime.timedelta(days=3, microseconds=7),
        closing_reason=Plan.ClosingReason.MOVED,
        closing_note="Ferdig",
        period_end=None,
    )
    closed.municipality.relay_log_own_consent = True
    closed.municipality.save(update_fields=["relay_log_own_consent"])
    owner.birth_date = datetime.date(2000, 2, 29)
    owner.last_login = now
    owner.save(update_fields=["birth_date", "last_login"])
    return [plan, child_plan, access_plan, closed]


def test_it_reads_the_same_plans_as_the_orm(varied_plans, django_assert_num_queries):
    for plan in varied_plans:
        with django_assert_num_queries(1):
            ours = plan_with_people(plan.pk)
            ours.owner, ours.coordinator, ours.municipality  # noqa: B018 - loaded, no query
        _same(ours, _by_orm(plan.pk))
    assert any(p.coordinator_id is None for p in varied_plans)
    assert any(p.coordinator_id is not None for p in varied_plans)


def test_it_takes_the_plan_id_as_the_orm_takes_it(plan):
    _same(plan_with_people(str(plan.pk)), _by_orm(str(plan.pk)))
    with pytest.raises(ValueError, match="expected a number"):
        plan_with_people("x")


def test_no_such_plan_is_none_and_a_404(plan, owner):
    assert plan_with_people(plan.pk + 1000) is None
    with pytest.raises(Http404):
        plan_and_access_or_404(owner, plan.pk + 1000)


@pytest.mark.parametrize("plan_id", [0, -1, 2**63, 10**30])
def test_an_id_no_plan_can_have_is_a_404_on_every_database(plan_id, client, owner):
    """The URL takes any number of digits; SQLite's driver refuses an integer past 64 bits."""
    assert plan_with_people(plan_id) is None
    client.force_login(owner)
    assert client.get(f"/planer/{plan_id}/").status_code == 404
    assert client.get(f"/planer/{plan_id}/tilgangslogg/").status_code == 404
