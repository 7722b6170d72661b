"""Issue 11 §4 (in part): nobody is cut off silently at the age of consent. Two months ahead the
young person, whoever decides for them and the coordinator are told once, and the plan page
says what will happen and when; others are told nothing."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutboxMessage
from consent.coming_of_age import coming_of_age_notices
from plans.models import Plan
from tests.factories import PlanFactory, UserFactory, represent

pytestmark = pytest.mark.django_db


def family(municipality, coordinator, *, sixteen_in_days):
    today = timezone.localdate()
    turns = today + datetime.timedelta(days=sixteen_in_days)
    young = UserFactory(
        username=f"ung{sixteen_in_days}",
        first_name="Sara",
        birth_date=turns.replace(year=turns.year - 16),
    )
    parent = UserFactory(username=f"forelder{sixteen_in_days}")
    represent(young, parent)
    plan = PlanFactory(municipality=municipality, owner=young, coordinator=coordinator)
    return plan, young, parent


def test_two_months_ahead_the_young_person_parents_and_coordinator_are_told_once(
    municipality, coordinator, django_capture_on_commit_callbacks
):
    plan, young, parent = family(municipality, coordinator, sixteen_in_days=30)
    _later, *_ = family(municipality, coordinator, sixteen_in_days=90)  # too early to tell
    with django_capture_on_commit_callbacks(execute=True):
        coming_of_age_notices()
        coming_of_age_notices()  # the next run tells nobody twice
    told = OutboxMessage.objects.filter(kind="coming_of_age")
    assert set(told.values_list("recipient", flat=True)) == {young.pk, parent.pk, coordinator.pk}
    assert told.count() == 3
    assert all(f"/planer/{plan.pk}/" == row.link for row in told)


def test_a_closed_plan_tells_nobody(municipality, coordinator):
    plan, *_ = family(municipality, coordinator, sixteen_in_days=10)
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.CLOSED, closing_reason="other", closed_at=timezone.now()
    )
    coming_of_age_notices()
    assert not OutboxMessage.objects.filter(kind="coming_of_age").exists()


def test_the_plan_says_what_will_happen_to_each_of_them(client, municipality, coordinator):
    plan, young, parent = family(municipality, coordinator, sixteen_in_days=20)
    url = reverse("plans:detail", args=[plan.pk])
    client.force_login(parent)
    page = client.get(url).content.decode()
    assert "Sara fyller 16 år" in page and "du ser den ikke lenger" in page
    client.force_login(coordinator)
    assert "Snakk med Sara om samtykke" in client.get(url).content.decode()
    client.force_login(young)
    assert "Du fyller 16 år" in client.get(url).content.decode()


def test_nothing_is_said_months_before(client, municipality, coordinator):
    plan, _young, parent = family(municipality, coordinator, sixteen_in_days=120)
    client.force_login(parent)
    assert (
        "fyller 16 år" not in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    )
    assert not mail.outbox


def test_after_the_birthday_the_young_person_gives_their_own_consent_and_the_plan_goes_on(
    client, municipality, coordinator
):
    from consent.models import Consent
    from consent.selectors import active_plan_consent
    from consent.services import plan_consent_give

    plan, young, parent = family(municipality, coordinator, sixteen_in_days=5)
    plan_consent_give(plan=plan, acting_user=parent, child_view="Vil ha hjelp.")
    earlier = active_plan_consent(plan)
    young.birth_date = young.birth_date - datetime.timedelta(days=10)  # now 16 for five days
    young.save(update_fields=["birth_date"])
    url = reverse("plans:detail", args=[plan.pk])
    client.force_login(coordinator)
    assert "har ikke gitt sitt eget samtykke ennå" in client.get(url).content.decode()
    client.force_login(young)
    assert "Gi ditt eget samtykke" in client.get(url).content.decode()
    client.post(reverse("consent:give", args=[plan.pk]), {"confirm": "on"})
    own = active_plan_consent(plan)
    assert own.given_by == young and own.given_by_role == Consent.GiverRole.OWNER
    earlier.refresh_from_db()
    assert earlier.replaced_by == own and earlier.withdrawn_at is not None
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE  # replaced, not withdrawn: the plan goes on
    assert "Gi ditt eget samtykke" not in client.get(url).content.decode()
    overview = client.get(reverse("consent:overview", args=[plan.pk])).content.decode()
    assert "Erstattet av planeiers eget samtykke" in overview
