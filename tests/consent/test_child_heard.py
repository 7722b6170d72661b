"""Issue 11 §4: the child is heard before a parent consents: from 7 (a younger child who can
form views may be), with great weight from 12 (pbrl § 4-4, from the table of legal references)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import Consent
from plans.law import legal_reference
from tests.factories import PlanFactory, UserFactory, represent

pytestmark = pytest.mark.django_db


def family(municipality, coordinator, age):
    today = timezone.localdate()
    child = UserFactory(
        birth_date=today.replace(year=today.year - age) - datetime.timedelta(days=3)
    )
    parent = UserFactory()
    represent(child, parent)
    plan = PlanFactory(municipality=municipality, owner=child, coordinator=coordinator)
    return plan, parent


def test_a_seven_year_olds_view_is_asked_for_and_needed(client, municipality, coordinator):
    plan, parent = family(municipality, coordinator, 7)
    client.force_login(parent)
    url = reverse("consent:give", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "Barnet skal høres" in page and legal_reference("child_heard").citation in page
    refused = client.post(url, {"confirm": "on", "child_view": "  "})
    assert refused.status_code == 400
    assert "Skriv hva barnet mener om planen" in refused.content.decode()
    assert not Consent.objects.exists()
    client.post(url, {"confirm": "on", "child_view": "Vil gjerne ha hjelp med lekser."})
    assert Consent.objects.get().child_view == "Vil gjerne ha hjelp med lekser."


def test_from_twelve_the_form_says_great_weight(client, municipality, coordinator):
    plan, parent = family(municipality, coordinator, 13)
    client.force_login(parent)
    page = client.get(reverse("consent:give", args=[plan.pk])).content.decode()
    assert "Fra 12 år skal det legges stor vekt på det" in page


def test_a_younger_child_may_be_heard_but_need_not(client, municipality, coordinator):
    plan, parent = family(municipality, coordinator, 5)
    client.force_login(parent)
    url = reverse("consent:give", args=[plan.pk])
    assert "når det kan danne seg egne synspunkter" in client.get(url).content.decode()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Consent.objects.get().child_view == ""


def test_an_owner_who_consents_themselves_is_not_asked(client, plan, owner):
    client.force_login(owner)
    page = client.get(reverse("consent:give", args=[plan.pk])).content.decode()
    assert "Barnets egen mening" not in page and "Barnet skal høres" not in page
