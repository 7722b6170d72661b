"""Who consents and decides access, by the owner's age on a fixed day (pbrl § 4-3)."""

import datetime

import pytest
import time_machine

from consent.policy import Hearing, child_hearing, may_decide_for_owner, plan_access
from tests.factories import PlanFactory, UserFactory, represent

TODAY = datetime.date(2026, 11, 24)


def born(age: int) -> datetime.date:
    """Turned `age` today."""
    return TODAY.replace(year=TODAY.year - age)


@pytest.fixture
def family(municipality, coordinator):
    def make(age: int, *, day_offset: int = 0):
        owner = UserFactory(birth_date=born(age) + datetime.timedelta(days=day_offset))
        parent = UserFactory()
        represent(owner, parent)
        plan = PlanFactory(municipality=municipality, owner=owner, coordinator=coordinator)
        return plan, owner, parent

    return make


@pytest.mark.parametrize(
    ("age", "owner_decides", "parent_decides", "hearing"),
    [
        (5, False, True, Hearing.MAY),
        (6, False, True, Hearing.MAY),
        (7, False, True, Hearing.MUST),
        (11, False, True, Hearing.MUST),
        (12, False, True, Hearing.GREAT_WEIGHT),
        (15, False, True, Hearing.GREAT_WEIGHT),
        (16, True, False, None),
        (17, True, False, None),
        (18, True, False, None),
    ],
)
def test_who_decides_at_each_age(family, age, owner_decides, parent_decides, hearing):
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)):
        plan, owner, parent = family(age)
        assert may_decide_for_owner(owner, plan, day=TODAY) is owner_decides
        assert may_decide_for_owner(parent, plan, day=TODAY) is parent_decides
        assert child_hearing(plan, TODAY) == hearing
        assert plan_access(parent, plan).allowed is parent_decides


def test_the_day_before_the_sixteenth_birthday_the_parent_still_decides(family):
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)):
        plan, owner, parent = family(16, day_offset=1)  # turns 16 tomorrow
        assert may_decide_for_owner(parent, plan, day=TODAY)
        assert not may_decide_for_owner(owner, plan, day=TODAY)


def test_the_age_of_consent_is_a_setting(family, settings):
    settings.IPPLAN_AGE_OF_CONSENT = 15
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)):
        plan, owner, parent = family(15)
        assert may_decide_for_owner(owner, plan, day=TODAY)
        assert not may_decide_for_owner(parent, plan, day=TODAY)


def test_a_verge_decides_for_an_adult(municipality, coordinator):
    owner = UserFactory(birth_date=born(40))
    verge = UserFactory()
    represent(owner, verge, kind="guardian")
    plan = PlanFactory(municipality=municipality, owner=owner, coordinator=coordinator)
    assert may_decide_for_owner(verge, plan, day=TODAY)
    assert plan_access(verge, plan).manages_access


def test_a_chosen_representative_reads_but_does_not_decide(municipality, coordinator):
    owner = UserFactory(birth_date=born(40))
    proxy = UserFactory()
    represent(owner, proxy, kind="proxy")
    plan = PlanFactory(municipality=municipality, owner=owner, coordinator=coordinator)
    access = plan_access(proxy, plan)
    assert access.is_owner_side and not access.manages_access
