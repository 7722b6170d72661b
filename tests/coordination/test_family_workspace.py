"""The barnekoordinator's family workspace: the parents and the child read it, the
barnekoordinator keeps it up to date; every other staff role gets a 404, and every page view
writes one entry in the log the parents read."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Representation
from coordination.services.families import (
    DONE_NEEDS_DATE,
    NOT_YET_18,
    families_close_at_18,
    family_close,
    family_plan_link,
    family_service_add,
    family_task_update,
)
from plans.models import FamilyLogEntry, FamilyService, FamilyTask
from plans.services.family import family_create
from tests.factories import PlanFactory, UserFactory, represent, staff, with_national_id


@pytest.fixture
def family(child, guardian, coordinator, municipality):
    """Emma's family: Lars is her father, Kari her barnekoordinator."""
    return family_create(
        child=child,
        municipality=municipality,
        coordinator=coordinator,
        expected_on=None,
        plan=None,
        acting_user=coordinator,
    )


def url(family, name="coordination:family", *args):
    return reverse(name, args=[family.pk, *args])


def test_the_parent_reads_the_tasks_and_one_log_entry_is_written(client, family, guardian):
    client.force_login(guardian)
    before = FamilyLogEntry.objects.count()
    page = client.get(url(family))
    assert page.status_code == 200
    text = page.content.decode()
    for label in FamilyTask.Kind.labels:
        assert str(label) in text
    assert "Hvem har sett og endret familiens side" in text
    assert FamilyLogEntry.objects.count() == before + 1
    entry = FamilyLogEntry.objects.first()
    assert (entry.actor, entry.action, entry.what) == (guardian, "read", "Familiens side")


def test_the_coordinator_updates_a_task_and_the_parent_sees_the_note(
    client, family, coordinator, guardian
):
    task = family.tasks.get(kind=FamilyTask.Kind.SPECIALIST)
    client.force_login(coordinator)
    assert client.get(url(family, "coordination:family_task", task.pk)).status_code == 200
    response = client.post(
        url(family, "coordination:family_task", task.pk),
        {"state": "done", "done_on": timezone.localdate().isoformat(), "note": "Time på BUP 3.2."},
    )
    assert response.status_code == 302
    client.force_login(guardian)
    assert "Time på BUP 3.2." in client.get(url(family)).content.decode()


def test_done_without_a_date_is_refused_and_nothing_changes(client, family, coordinator):
    task = family.tasks.first()
    client.force_login(coordinator)
    response = client.post(
        url(family, "coordination:family_task", task.pk), {"state": "done", "note": "x"}
    )
    assert response.status_code == 400
    assert str(DONE_NEEDS_DATE) in response.content.decode()
    task.refresh_from_db()
    assert (task.state, task.note) == ("todo", "")


@pytest.mark.parametrize(
    "who", ["case_handler", "administrator", "professional", "other_coordinator", "stranger"]
)
def test_other_roles_get_404_on_every_page(client, family, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    task, before = family.tasks.first(), FamilyLogEntry.objects.count()
    for target in (
        url(family),
        url(family, "coordination:family_task", task.pk),
        url(family, "coordination:family_service_create"),
        url(family, "coordination:family_close"),
    ):
        assert client.get(target).status_code == 404, (who, target)
    assert client.post(url(family, "coordination:family_plan"), {"plan": ""}).status_code == 404
    assert FamilyLogEntry.objects.count() == before


def test_a_coordinator_of_another_family_in_the_same_municipality_gets_404(
    client, family, municipality
):
    eva = staff("coordinator", municipality, username="eva", first_name="Eva", last_name="Moen")
    client.force_login(eva)
    assert client.get(url(family)).status_code == 404


def test_the_coordinator_who_lost_the_role_gets_404(client, family, coordinator):
    coordinator.memberships.update(is_active=False)
    client.force_login(coordinator)
    assert client.get(url(family)).status_code == 404


def test_a_verge_or_a_participant_of_the_childs_plan_is_not_a_parent(
    client, family, child, municipality
):
    verge = UserFactory(username="verge")
    represent(child, verge, kind="guardian")
    client.force_login(verge)
    assert client.get(url(family)).status_code == 404


def test_the_parent_cannot_change_anything(client, family, guardian):
    client.force_login(guardian)
    task = family.tasks.first()
    assert client.get(url(family, "coordination:family_task", task.pk)).status_code == 404
    assert (
        client.post(url(family, "coordination:family_service_create"), {"name": "NAV"}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        family_task_update(task=task, state="ongoing", done_on=None, note="", acting_user=guardian)
    assert FamilyService.objects.count() == 0


def test_the_coordinator_adds_and_removes_services(client, family, coordinator, guardian):
    client.force_login(coordinator)
    response = client.post(
        url(family, "coordination:family_service_create"),
        {
            "name": "Barnehabiliteringen",
            "contact_name": "Dr. Aas",
            "phone": "+4773000000",
            "email": "habu@example.no",
            "role": "Utredning og oppfølging",
        },
    )
    assert response.status_code == 302
    service = FamilyService.objects.get()
    bad = client.post(url(family, "coordination:family_service_create"), {"email": "nei"})
    assert bad.status_code == 400 and FamilyService.objects.count() == 1
    client.force_login(guardian)
    assert "Dr. Aas" in client.get(url(family)).content.decode()
    client.force_login(coordinator)
    client.post(url(family, "coordination:family_service_delete", service.pk))
    assert FamilyService.objects.count() == 0


def test_only_the_childs_own_plan_can_be_linked(client, family, coordinator, child, owner):
    childs_plan = PlanFactory(
        municipality=family.municipality, owner=child, coordinator=coordinator
    )
    someone_else = PlanFactory(
        municipality=family.municipality, owner=owner, coordinator=coordinator
    )
    with pytest.raises(ValidationError):
        family_plan_link(family=family, plan=someone_else, acting_user=coordinator)
    client.force_login(coordinator)
    client.post(url(family, "coordination:family_plan"), {"plan": someone_else.pk})
    family.refresh_from_db()
    assert family.plan is None
    client.post(url(family, "coordination:family_plan"), {"plan": childs_plan.pk})
    family.refresh_from_db()
    assert family.plan == childs_plan


def test_closing_needs_a_reason_and_18_only_when_the_child_is_18(client, family, coordinator):
    with pytest.raises(ValidationError) as error:
        family_close(family=family, reason="turned_18", note="", acting_user=coordinator)
    assert error.value.message_dict["reason"] == [str(NOT_YET_18)]
    client.force_login(coordinator)
    assert client.post(url(family, "coordination:family_close"), {}).status_code == 400
    response = client.post(
        url(family, "coordination:family_close"), {"reason": "need_ended", "note": "Frisk."}
    )
    assert response.status_code == 302
    family.refresh_from_db()
    assert (family.status, family.close_reason, family.closed_on) == (
        "closed",
        "need_ended",
        timezone.localdate(),
    )
    # Closed: readable, no longer changeable.
    assert client.get(url(family)).status_code == 200
    assert client.get(url(family, "coordination:family_close")).status_code == 404


def test_the_daily_job_closes_families_whose_child_turned_18(family, municipality, coordinator):
    adult = with_national_id(UserFactory(username="adult"), datetime.date(2007, 1, 5))
    parent = UserFactory(username="parent-of-adult")
    represent(adult, parent)
    grown = family_create(
        child=adult,
        municipality=municipality,
        coordinator=coordinator,
        expected_on=None,
        plan=None,
        acting_user=coordinator,
    )
    assert families_close_at_18(today=datetime.date(2026, 12, 1)) == 1
    grown.refresh_from_db()
    family.refresh_from_db()
    assert (grown.status, grown.close_reason) == ("closed", "turned_18")
    assert family.status == "active"


def test_home_pages_show_the_family_to_parents_and_barnekoordinator(
    client, family, guardian, coordinator
):
    client.force_login(guardian)
    assert url(family) in client.get(reverse("home")).content.decode()
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "Familier du er barnekoordinator for" in page and url(family) in page


def test_the_page_has_a_query_budget_that_does_not_grow(
    client, family, guardian, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(24) as small:
        client.get(url(family))
    for n in range(30):
        family_service_add(family=family, acting_user=coordinator, name=f"Tjeneste {n}")
    with django_assert_max_num_queries(24) as large:
        client.get(url(family))
    assert len(large.captured_queries) == len(small.captured_queries)
    client.force_login(guardian)
    with django_assert_max_num_queries(24):
        client.get(url(family))
    with django_assert_max_num_queries(30):
        client.get(reverse("home"))


def test_the_child_reads_the_page_and_a_parent_whose_role_ended_gets_404(
    client, family, child, guardian
):
    client.force_login(child)
    assert client.get(url(family)).status_code == 200
    Representation.objects.filter(person=child, representative=guardian).update(
        ended_at=timezone.now()
    )
    client.force_login(guardian)
    assert client.get(url(family)).status_code == 404
