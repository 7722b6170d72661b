"""Words users know on the plan: its ansvarsgruppe (the services around the person, with their
roles) listed apart from relatives and others who take part (issue 12 §1), and plan health
explained where it appears (issue 11 §5)."""

import re

import pytest
from django.urls import reverse

from plans.services.participants import participant_add

pytestmark = pytest.mark.django_db


def section(page: str, heading_id: str) -> str:
    """The list that a heading labels."""
    match = re.search(
        rf'<ul class="participant-list" aria-labelledby="{heading_id}">(.*?)</ul>', page, re.S
    )
    return match.group(1) if match else ""


def test_services_and_relatives_are_listed_apart(client, plan, coordinator, owner):
    participant_add(
        plan=plan, user=None, name="Per Hansen", role="service_provider", acting_user=coordinator
    )
    participant_add(
        plan=plan, user=None, name="Tor Haugen", role="relative", acting_user=coordinator
    )
    client.force_login(owner)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    group = section(page, "responsibility-group-heading")
    others = section(page, "others-heading")
    assert "Per Hansen" in group and "Tjenesteyter" in group and "Tor Haugen" not in group
    assert "Tor Haugen" in others and "Pårørende" in others and "Per Hansen" not in others


def test_only_relatives_says_no_services_yet(client, plan, coordinator, owner):
    participant_add(
        plan=plan, user=None, name="Tor Haugen", role="relative", acting_user=coordinator
    )
    client.force_login(owner)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Ingen tjenester er lagt til ennå." in page
    assert "Tor Haugen" in section(page, "others-heading")


def test_plan_health_is_explained_where_it_appears(client, plan, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Planhelse viser om planen har med alt en individuell plan skal ha" in page
    listing = client.get(reverse("plans:coordinator_list")).content.decode()
    assert "Planhelse: hvor mange av de ni punktene" in listing
