"""A coordinator creates a plan for a person found or registered by identity number, and
hands the plan over to a colleague who accepts it."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from consent.policy import PlanAccess
from plans.models import CoordinatorHandover, Plan
from plans.sections import Section
from plans.selectors import history_for
from plans.services.goals import goal_create
from plans.services.participants import participant_add
from tests.factories import UserFactory, staff, synthetic_national_id, with_national_id
from tests.plans.test_query_budget import LIST_BUDGET


def test_a_coordinator_creates_a_draft_plan_for_a_registered_person(client, coordinator, owner):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:create"),
        {
            "national_id": owner.get_national_id(),
            # Asked for whether or not the number is known; the registered name is kept.
            "first_name": "Ingrid",
            "last_name": "Haugen",
            "period_start": "2026-12-01",
            "period_end": "2027-11-30",
            "next_evaluation": "2027-06-01",
        },
    )
    plan = Plan.objects.get(owner=owner)
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert (plan.status, plan.coordinator, plan.period_start) == (
        Plan.Status.DRAFT,
        coordinator,
        datetime.date(2026, 12, 1),
    )


def test_an_unknown_person_is_registered_with_the_names_given(client, coordinator, municipality):
    number = synthetic_national_id(datetime.date(2012, 3, 4))
    client.force_login(coordinator)
    first = client.post(reverse("plans:create"), {"national_id": number})
    assert first.status_code == 400
    assert "Vi fant ingen" not in first.content.decode()
    assert not Plan.objects.exists()
    client.post(
        reverse("plans:create"), {"national_id": number, "first_name": "Sofie", "last_name": "Lund"}
    )
    person = User.objects.get(first_name="Sofie")
    assert person.get_national_id() == number and not person.has_usable_password()
    assert person.home_municipality == municipality
    assert Plan.objects.get(owner=person).status == Plan.Status.DRAFT


def test_an_invalid_identity_number_is_explained(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:create"), {"national_id": "12345678901", "first_name": "A", "last_name": "B"}
    )
    assert response.status_code == 400
    assert "kontrollsifrene" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_second_plan_for_the_same_person_is_refused_in_the_form(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:create"),
        {"national_id": plan.owner.get_national_id(), "first_name": "I", "last_name": "H"},
    )
    assert response.status_code == 400
    assert "allerede en individuell plan" in response.content.decode()
    assert Plan.objects.count() == 1


def test_handover_through_the_pages(client, coordinator, plan, municipality):
    successor = staff("coordinator", municipality, first_name="Siri", last_name="Ny")
    client.force_login(coordinator)
    client.post(
        reverse("plans:handover_propose", args=[plan.pk]),
        {"to_coordinator": successor.pk, "message": "Du kjenner familien"},
    )
    handover = CoordinatorHandover.objects.get()
    client.force_login(successor)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    with CaptureQueriesContext(connection) as queries:
        listing = client.get(reverse("plans:coordinator_list")).content.decode()
    assert reverse("plans:handover_answer", args=[handover.pk]) in listing
    # The handover names the plan's owner and the coordinator from the one query that loads it.
    assert f"Planen til {plan.owner.display_name} (fra {coordinator.display_name})" in listing
    assert len(queries.captured_queries) <= LIST_BUDGET
    client.post(reverse("plans:handover_answer", args=[handover.pk]), {"answer": "accept"})
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    client.force_login(coordinator)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404


def test_the_history_shows_only_sections_the_viewer_may_read(plan, coordinator):
    goal_create(plan=plan, title="Synlig mål", acting_user=coordinator)
    participant_add(plan=plan, name="Skjult deltaker", role="other", acting_user=coordinator)
    goals_only = PlanAccess(plan=plan, role="participant", read=frozenset({Section.GOALS}))
    summaries = [c.summary for c in history_for(plan, goals_only)]
    assert any("Synlig mål" in s for s in summaries)
    assert not any("Skjult deltaker" in s for s in summaries)


def test_the_guardian_downloads_the_childs_plan(client, guardian, child_plan):
    client.force_login(guardian)
    response = client.get(reverse("plans:pdf", args=[child_plan.pk]))
    assert response.status_code == 200 and response.getvalue().startswith(b"%PDF-")


def test_another_person_with_the_same_name_is_not_confused(client, coordinator, owner):
    namesake = with_national_id(
        UserFactory(first_name=owner.first_name, last_name=owner.last_name),
        datetime.date(1990, 1, 1),
    )
    client.force_login(coordinator)
    client.post(
        reverse("plans:create"),
        {"national_id": namesake.get_national_id(), "first_name": "I", "last_name": "H"},
    )
    assert Plan.objects.get().owner == namesake
