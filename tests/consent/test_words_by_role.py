"""The plan page speaks to whoever reads it (issue 16, section 4): the owner reads "du/din", a
parent acting for a child reads "dere" and the child's name, the coordinator and participants
read about the owner in the third person."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

OWNER_WORDS = [
    "Din plan – ditt valg",
    "Målene er dine, med dine ord.",
    "Andre planer som er en del av din plan",
]


def plan_page(client, user, plan) -> str:
    client.force_login(user)
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_owner_is_addressed_as_you(client, plan, owner):
    page = plan_page(client, owner, plan)
    for words in OWNER_WORDS:
        assert words in page
    assert "Hva du har samtykket til" in page


def test_a_parent_reads_about_the_child_by_name(client, access_plan, guardian):
    page = plan_page(client, guardian, access_plan)
    assert "Planen til Emma – dere velger for Emma" in page
    assert "Dette er målene til Emma, helst med egne ord." in page
    assert "Hva dere har samtykket til" in page
    for words in [*OWNER_WORDS, "Hva du har samtykket til"]:
        assert words not in page


def test_the_coordinator_reads_in_the_third_person(client, access_plan, coordinator):
    page = plan_page(client, coordinator, access_plan)
    assert "Dette er målene til Emma, med egne ord." in page
    assert "dere velger for Emma" not in page
    for words in OWNER_WORDS:
        assert words not in page


def test_a_participant_reads_in_the_third_person(client, access_plan):
    page = plan_page(client, access_plan.people["teacher"], access_plan)
    assert "Dette er målene til Emma, med egne ord." in page
    for words in OWNER_WORDS:
        assert words not in page


def test_english_follows_the_role(client, access_plan, guardian):
    client.cookies["django_language"] = "en"
    page = plan_page(client, guardian, access_plan)
    assert "Emma's plan – you choose on Emma's behalf" in page
