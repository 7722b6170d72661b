"""One home page per person, with sections by role, from real queries."""

import pytest
from django.urls import reverse

from accounts.models import StaffMembership
from casework.models import Case
from tests.factories import PlanFactory, UserFactory, staff


def test_a_citizen_without_a_plan_is_told_how_to_ask_for_one(client, owner, municipality):
    client.force_login(owner)
    page = client.get(reverse("home")).content.decode()
    assert "Du har ingen individuell plan ennå" in page
    assert municipality.phone in page and municipality.email in page


def test_a_citizen_with_a_plan_sees_it_and_its_coordinator(client, plan, owner):
    client.force_login(owner)
    page = client.get(reverse("home")).content.decode()
    assert "Din individuelle plan" in page and "Kari Nilsen" in page
    assert reverse("plans:detail", args=[plan.pk]) in page


def test_a_guardian_sees_the_childs_plan(client, guardian, child_plan):
    client.force_login(guardian)
    page = client.get(reverse("home")).content.decode()
    assert "Planen til Emma Berg" in page
    assert reverse("plans:detail", args=[child_plan.pk]) in page


def test_the_owner_sides_plans_cost_the_same_queries_for_one_plan_and_for_two(
    client, guardian, child_plan, coordinator, municipality
):
    """The cards name the owner and the coordinator from the one query that loads the plans."""
    from tests.plans.test_query_budget import count_queries

    client.force_login(guardian)
    one = count_queries(client, reverse("home"))
    PlanFactory(municipality=municipality, owner=guardian, coordinator=coordinator)
    assert count_queries(client, reverse("home")) == one
    page = client.get(reverse("home")).content.decode()
    assert "Planen til Emma Berg" in page and coordinator.display_name in page


def test_a_coordinator_sees_their_plans_and_not_others(client, coordinator, plan, municipality):
    other_plan = PlanFactory(
        municipality=municipality,
        owner=UserFactory(first_name="Ola"),
        coordinator=staff("coordinator", municipality),
    )
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "Planer du er koordinator for" in page
    assert reverse("plans:detail", args=[plan.pk]) in page
    assert reverse("plans:detail", args=[other_plan.pk]) not in page


def test_the_coordinators_plans_on_the_home_page_count_no_plan_health(
    client, coordinator, plan, municipality
):
    """The home page lists them by name, status and evaluation date: the coordinator's list
    counts plan health (goals, measures, participants), the home page does not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in ("Ola", "Per", "Åse"):
        PlanFactory(
            municipality=municipality, owner=UserFactory(first_name=name), coordinator=coordinator
        )
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    assert "Ola" in page and "Åse" in page and reverse("plans:detail", args=[plan.pk]) in page
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"plans_goal"' not in sql and '"plans_measure"' not in sql


def test_a_case_handler_sees_the_queue_counts_of_their_municipality_only(
    client, case_handler, municipality, other_municipality, owner
):
    Case.objects.create(
        municipality=municipality,
        number="2026/1",
        person=owner,
        kind="application",
        received_on="2026-09-01",
        wants_plan=True,
    )
    Case.objects.create(
        municipality=other_municipality,
        number="2026/1",
        person=owner,
        kind="application",
        received_on="2026-09-01",
        wants_plan=True,
    )
    client.force_login(case_handler)
    response = client.get(reverse("home"))
    summary = response.context["case_summary"]
    assert summary["received"] == 1 and summary["unassigned"] == 1
    assert summary["interim_due"] == 1  # received more than a month ago, undecided
    assert reverse("casework:case_queue") in response.content.decode()


def test_naming_plans_on_the_home_page_writes_no_access_log_entry(client, coordinator, plan):
    client.force_login(coordinator)
    client.get(reverse("home"))
    assert not plan.access_log.filter(actor=coordinator).exists()


@pytest.mark.parametrize(
    "role", [StaffMembership.Role.ADMINISTRATOR, StaffMembership.Role.PROFESSIONAL]
)
def test_other_staff_get_a_calm_page_without_errors(client, municipality, role):
    client.force_login(staff(role, municipality))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    if role == StaffMembership.Role.ADMINISTRATOR:  # their work is the administration pages
        assert reverse("administration:staff") in response.content.decode()
    else:
        assert "Du har ingen planer eller saker" in response.content.decode()
