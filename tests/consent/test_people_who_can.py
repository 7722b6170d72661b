"""The policy's "who may" questions: people_who_can (reminders, letters, e-mails) and
representatives_of (who acts for a person on a day)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Representation
from consent.models import AccessGrant
from consent.policy import people_who_can, representatives_of
from plans.models import Participant, Plan
from plans.sections import Section
from plans.services.lifecycle import plan_close
from tests.factories import UserFactory, represent

pytestmark = pytest.mark.django_db


def names(people) -> dict[str, str]:
    return {person.name: person.role for person in people}


def test_it_names_the_owner_side_the_coordinator_and_granted_participants(access_plan):
    readers = names(people_who_can(access_plan, Section.MEASURES))
    assert readers == {
        "Emma Berg": "owner",
        "Lars Berg": "representative",
        "Kari Nilsen": "coordinator",
        "Nina Sykepleier": "participant",
    }


def test_it_leaves_out_expired_grants_and_inactive_participants(access_plan):
    nurse = Participant.objects.get(plan=access_plan, name="Nina Sykepleier")
    later = timezone.now() + datetime.timedelta(days=400)
    assert "Nina Sykepleier" not in names(people_who_can(access_plan, Section.MEASURES, now=later))
    Participant.objects.filter(pk=nurse.pk).update(is_active=False)
    assert AccessGrant.objects.filter(participant=nurse, status="active").exists()
    assert "Nina Sykepleier" not in names(people_who_can(access_plan, Section.MEASURES))


def test_writers_are_fewer_than_readers(access_plan):
    assert names(people_who_can(access_plan, Section.GOALS)) == {
        "Emma Berg": "owner",
        "Lars Berg": "representative",
        "Kari Nilsen": "coordinator",
        "Tor Lærer": "participant",
    }
    assert names(people_who_can(access_plan, Section.GOALS, "write")) == {
        "Kari Nilsen": "coordinator"
    }
    assert "Nina Sykepleier" in names(people_who_can(access_plan, Section.MEASURES, "write"))
    assert "Lars Berg" in names(people_who_can(access_plan, Section.ABOUT_ME, "write"))


def test_nobody_writes_in_a_closed_plan(access_plan, coordinator):
    plan_close(plan=access_plan, reason=Plan.ClosingReason.OTHER, note="", acting_user=coordinator)
    access_plan.refresh_from_db()
    assert people_who_can(access_plan, Section.GOALS, "write") == []
    assert people_who_can(access_plan, Section.GOALS)


def test_representatives_of_a_child_end_at_the_age_of_consent(child, guardian):
    assert [r.representative for r in representatives_of(child)] == [guardian]
    sixteen = child.birth_date.replace(year=child.birth_date.year + 16)
    assert not representatives_of(child, sixteen).exists()


def test_only_parents_and_verges_decide(owner):
    proxy, verge = UserFactory(username="proxy"), UserFactory(username="verge")
    represent(owner, proxy, Representation.Kind.PROXY)
    represent(owner, verge, Representation.Kind.GUARDIAN)
    assert {r.representative for r in representatives_of(owner)} == {proxy, verge}
    assert {r.representative for r in representatives_of(owner, deciding=True)} == {verge}
