"""A relay log continues as an individual plan by consent, not only after a decision: the
owner's side consents to an individual plan by the rules for one (both parents with parental
responsibility for a child under 16, the first parent's consent waiting for the other's; the
child welfare service where it has taken over care), and only once that consent is complete
can the holder continue it, with nothing lost and the history naming who consented. Tried by
every staff role as an attacker."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import OutboxMessage, Representation
from consent.models import Consent, ConsentCosignature
from consent.services.consents import (
    ALREADY_SIGNED,
    NOT_YOURS_TO_CONSENT_TO_IP,
    plan_consent_to_ip,
)
from plans.models import Plan, PlanChange
from plans.services.relay import IP_NOT_GRANTED, relay_log_continue_as_plan
from tests.factories import UserFactory, represent
from tests.plans import test_relay_log as relay_fixtures
from tests.plans.test_relay_log import _contents

# The relay log's fixtures: Emma's relay log held by Tone at the kindergarten, and Ola.
relay, tone, ola = relay_fixtures.relay, relay_fixtures.tone, relay_fixtures.ola
kindergarten, school = relay_fixtures.kindergarten, relay_fixtures.school

CONSENTED = (
    "Stafettloggen fortsetter som individuell plan (utkast) etter samtykke fra "
    "%(consented_by)s, med %(name)s som koordinator"
)


@pytest.fixture
def mari(relay, child):
    """Mari: Emma's mother, with parental responsibility, registered after the relay log was
    taken into use (so it stays in use while the consent to an individual plan waits for her)."""
    user = UserFactory(username="mari", first_name="Mari", last_name="Berg")
    represent(child, user)
    return user


def _consent_page(client, user, plan):
    client.force_login(user)
    return client.get(reverse("consent:overview", args=[plan.pk])).content.decode()


def test_the_first_parent_waits_the_second_completes_then_the_holder_continues(
    client, relay, tone, guardian, mari, coordinator
):
    before = _contents(relay)
    page = _consent_page(client, guardian, relay)
    assert "Jeg samtykker til individuell plan" in page
    response = client.post(reverse("consent:to_ip", args=[relay.pk]))
    assert response["Location"] == reverse("consent:overview", args=[relay.pk])
    consent = Consent.objects.get(plan=relay, kind=Consent.Kind.IP)
    assert consent.complete_at is None and consent.given_by == guardian
    # Mari is told, without content, that her consent is awaited.
    told = OutboxMessage.objects.get(kind="consent_awaiting", recipient=mari)
    assert told.link == reverse("consent:overview", args=[relay.pk])
    # One parent's consent does not make it continuable.
    client.force_login(tone)
    detail = client.get(reverse("plans:detail", args=[relay.pk])).content.decode()
    assert "Venter på samtykke fra Mari Berg" in detail
    assert reverse("plans:continue_as_plan", args=[relay.pk]) not in detail
    assert client.get(reverse("plans:continue_as_plan", args=[relay.pk])).status_code == 404
    with pytest.raises(ValidationError) as refused:
        relay_log_continue_as_plan(plan=relay, coordinator=coordinator, acting_user=tone)
    assert refused.value.messages == [str(IP_NOT_GRANTED)]

    # Mari sees what waits for her on the relay log page, and co-signs.
    client.force_login(mari)
    detail = client.get(reverse("plans:detail", args=[relay.pk])).content.decode()
    assert "Venter på samtykke fra Mari Berg" in detail
    assert "Les og samtykk til individuell plan" in detail
    client.post(reverse("consent:to_ip", args=[relay.pk]))
    consent.refresh_from_db()
    assert consent.complete_at is not None
    assert ConsentCosignature.objects.filter(consent=consent, given_by=mari).exists()
    assert "Lars Berg, Mari Berg har samtykket" in _consent_page(client, mari, relay)

    # Now the holder continues, choosing a coordinator; nothing is typed twice or lost.
    client.force_login(tone)
    detail = client.get(reverse("plans:detail", args=[relay.pk])).content.decode()
    assert reverse("plans:continue_as_plan", args=[relay.pk]) in detail
    form = client.get(reverse("plans:continue_as_plan", args=[relay.pk])).content.decode()
    assert "Lars Berg, Mari Berg har samtykket til individuell plan for Emma Berg" in form
    response = client.post(
        reverse("plans:continue_as_plan", args=[relay.pk]), {"coordinator": coordinator.pk}
    )
    assert response["Location"] == reverse("plans:detail", args=[relay.pk])
    plan = Plan.objects.get(pk=relay.pk)
    assert (plan.kind, plan.status, plan.coordinator) == ("ip", "draft", coordinator)
    after = _contents(plan)
    assert after.pop("consents") == [*before.pop("consents"), consent.pk]
    assert after == before
    change = PlanChange.objects.get(plan=plan, message=CONSENTED)
    assert change.params == {"name": "Kari Nilsen", "consented_by": "Lars Berg, Mari Berg"}
    assert "etter samtykke fra Lars Berg, Mari Berg" in change.text


def test_a_single_parent_cannot_make_it_continuable(relay, guardian, mari, tone, coordinator):
    plan_consent_to_ip(plan=relay, acting_user=guardian)
    with pytest.raises(ValidationError) as refused:
        plan_consent_to_ip(plan=relay, acting_user=guardian)
    assert refused.value.messages == [str(ALREADY_SIGNED)]
    with pytest.raises(ValidationError):
        relay_log_continue_as_plan(plan=relay, coordinator=coordinator, acting_user=tone)
    relay.refresh_from_db()
    assert relay.kind == Plan.Kind.RELAY_LOG
    assert Consent.objects.get(plan=relay, kind=Consent.Kind.IP).complete_at is None


def test_a_sole_parent_consents_alone(client, relay, guardian, tone, coordinator):
    """With one parent with parental responsibility, that parent's consent is complete."""
    plan_consent_to_ip(plan=relay, acting_user=guardian)
    assert Consent.objects.get(plan=relay, kind=Consent.Kind.IP).complete_at is not None
    plan = relay_log_continue_as_plan(plan=relay, coordinator=coordinator, acting_user=tone)
    assert plan.kind == Plan.Kind.INDIVIDUAL_PLAN


def test_the_child_welfare_service_consents_where_it_has_taken_over_care(
    client, relay, child, guardian, mari, tone, coordinator
):
    caseworker = UserFactory(username="bv", first_name="Berit", last_name="Barnevern")
    represent(child, caseworker, kind=Representation.Kind.CHILD_WELFARE)
    # The parents no longer decide.
    with pytest.raises(PermissionDenied):
        plan_consent_to_ip(plan=relay, acting_user=guardian)
    client.force_login(caseworker)
    client.post(reverse("consent:to_ip", args=[relay.pk]))
    consent = Consent.objects.get(plan=relay, kind=Consent.Kind.IP)
    assert consent.complete_at is not None
    assert consent.given_by_role == Consent.GiverRole.CHILD_WELFARE
    relay_log_continue_as_plan(plan=relay, coordinator=coordinator, acting_user=tone)
    assert PlanChange.objects.get(plan=relay, message=CONSENTED).params["consented_by"] == (
        "Berit Barnevern"
    )


@pytest.mark.parametrize(
    "who",
    ["tone", "ola", "professional", "case_handler", "administrator", "other_coordinator"],
)
def test_staff_cannot_consent_for_the_parents_nor_continue_without_it(
    client, request, relay, guardian, mari, coordinator, who
):
    plan_consent_to_ip(plan=relay, acting_user=guardian)
    user = request.getfixturevalue(who)
    before = (_contents(relay), PlanChange.objects.count(), ConsentCosignature.objects.count())
    client.force_login(user)
    response = client.post(reverse("consent:to_ip", args=[relay.pk]))
    # The holder sees the relay log but is not the owner's side (403); the others see nothing.
    assert response.status_code == (403 if who == "tone" else 404)
    for name in ("continue_as_plan",):
        url = reverse(f"plans:{name}", args=[relay.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"coordinator": coordinator.pk}).status_code == 404
    with pytest.raises(PermissionDenied) as refused:
        plan_consent_to_ip(plan=relay, acting_user=user)
    assert str(refused.value) == str(NOT_YOURS_TO_CONSENT_TO_IP)
    relay.refresh_from_db()
    assert relay.kind == Plan.Kind.RELAY_LOG
    after = (_contents(relay), PlanChange.objects.count(), ConsentCosignature.objects.count())
    assert after == before
    assert Consent.objects.get(plan=relay, kind=Consent.Kind.IP).complete_at is None


def test_the_consent_page_offers_no_button_to_the_holder_or_a_parent_who_signed(
    client, relay, guardian, mari, tone
):
    plan_consent_to_ip(plan=relay, acting_user=guardian)
    assert "Jeg samtykker til individuell plan" not in _consent_page(client, tone, relay)
    page = _consent_page(client, guardian, relay)
    assert "Jeg samtykker til individuell plan" not in page
    assert "Venter på samtykke fra Mari Berg" in page
    assert "Jeg samtykker til individuell plan" in _consent_page(client, mari, relay)


def test_withdrawing_the_consent_withdraws_the_consent_to_an_individual_plan_too(relay, guardian):
    from plans.services.lifecycle import plan_consent_withdraw

    plan_consent_to_ip(plan=relay, acting_user=guardian)
    plan_consent_withdraw(plan=relay, acting_user=guardian)
    assert not Consent.objects.filter(
        plan=relay, kind=Consent.Kind.IP, withdrawn_at__isnull=True
    ).exists()
