"""The municipal administrator's home and /administrasjon/ list their tasks with what needs
attention: staff who have not started, failed notifications, coordinators without training;
only their own municipality, in both languages, within a query budget (issue 16, point 6)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutboxMessage, StaffMembership
from casework.models import CoordinatorProfile
from tests.factories import OrganisationFactory, staff

Role = StaffMembership.Role
ADMIN_PAGES = (
    ("administration:index", (), "Administration"),
    ("administration:staff", (), "Staff and roles"),
    ("administration:staff_create", (), "New staff member"),
    ("administration:services", (), "Services"),
    ("administration:service_create", (), "New service"),
    ("administration:failed_notifications", (), "Notifications that did not arrive"),
    ("casework:registry", (), "Coordinator register"),
)


def _failed(user, n=1):
    for i in range(n):
        OutboxMessage.objects.create(
            recipient=user,
            address=f"{user.username}{i}@bounce.invalid",
            kind="new_message",
            link="/",
            attempts=8,
            failed_at=timezone.now(),
        )


@pytest.fixture
def bakkeby_admin(other_municipality):
    return staff(Role.ADMINISTRATOR, other_municipality, username="berit", first_name="Berit")


@pytest.fixture
def bakkeby_trouble(other_municipality):
    """Bakkeby: an untrained coordinator, a failed notification and a staff member who never
    started; none of it is Fjordvik's administrator's business."""
    untrained = staff(Role.COORDINATOR, other_municipality, username="bjorn", first_name="Bjørn")
    _failed(untrained)
    staff(Role.PROFESSIONAL, other_municipality, username="bo", first_name="Bo", mfa=False)
    return untrained


def test_the_home_page_lists_the_administrators_tasks_with_what_needs_attention(
    client, administrator, coordinator, municipality
):
    staff(Role.PROFESSIONAL, municipality, username="ny", mfa=False)  # has not activated
    _failed(coordinator, 2)
    client.force_login(administrator)
    page = client.get(reverse("home")).content.decode()
    assert "Dine oppgaver som administrator" in page
    for name in ("staff", "services", "failed_notifications"):
        assert reverse(f"administration:{name}") in page
    assert reverse("casework:registry") in page
    assert "1 har ikke tatt i bruk kontoen sin ennå" in page
    assert "2 varsler kom ikke fram" in page
    assert "1 mangler registrert opplæring" in page  # Kari has no training recorded
    assert "Du har ingen planer eller saker" not in page


def test_recorded_training_and_no_failures_leave_nothing_to_follow_up(
    client, administrator, coordinator, municipality
):
    CoordinatorProfile.objects.create(
        user=coordinator, municipality=municipality, trained_on=timezone.localdate()
    )
    client.force_login(administrator)
    page = client.get(reverse("administration:index")).content.decode()
    assert "mangler registrert opplæring" not in page and "kom ikke fram." not in page
    assert "1 koordinator i registeret" in page
    # Staff, services, notifications, training, retention and letters to digital mailboxes.
    assert page.count("Ingenting å følge opp nå.") == 6


def test_another_municipalitys_trouble_is_not_counted(
    client, administrator, coordinator, municipality, bakkeby_trouble
):
    CoordinatorProfile.objects.create(
        user=coordinator, municipality=municipality, trained_on=timezone.localdate()
    )
    client.force_login(administrator)
    for url in (reverse("home"), reverse("administration:index")):
        page = client.get(url).content.decode()
        assert "Trenger oppfølging" not in page, url
        assert "Bjørn" not in page


def test_bakkebys_administrator_sees_bakkebys_tasks_and_none_of_fjordviks_pages(
    client, bakkeby_admin, bakkeby_trouble, coordinator, home_care
):
    client.force_login(bakkeby_admin)
    page = client.get(reverse("administration:index")).content.decode()
    assert "1 varsel kom ikke fram" in page and "1 mangler registrert opplæring" in page
    assert "1 har ikke tatt i bruk kontoen sin ennå" in page
    membership = coordinator.memberships.get()
    for url in (
        reverse("administration:staff_detail", args=[coordinator.pk]),
        reverse("administration:service_edit", args=[home_care.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("administration:role_revoke", args=[membership.pk])).status_code == 404
    )
    assert StaffMembership.objects.get(pk=membership.pk).is_active
    # Fjordvik's coordinator by name (Bakkeby's people are named in the fixtures: a random
    # name such as Karin would contain hers)
    detail = reverse("administration:staff_detail", args=[coordinator.pk])
    for url in (reverse("administration:staff"), reverse("casework:registry")):
        page = client.get(url).content.decode()
        assert "Kari Nilsen" not in page and f'href="{detail}"' not in page, url


@pytest.mark.parametrize("persona", ["coordinator", "case_handler", "owner", "stranger"])
def test_no_one_else_gets_the_tasks_or_the_notification_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert "Dine oppgaver som administrator" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("administration:failed_notifications")).status_code == 404


@pytest.mark.parametrize(("name", "args", "english"), ADMIN_PAGES)
def test_each_administration_page_reads_in_english_too(
    client, administrator, coordinator, name, args, english
):
    client.force_login(administrator)
    url = reverse(name, args=args)
    assert client.get(url).status_code == 200
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode()
    assert '<html lang="en"' in page and english in page, url


def test_the_tasks_read_in_english(client, administrator, coordinator):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home")).content.decode()
    assert "Your tasks as administrator" in page and "Services and organisations" in page
    assert "1 has no recorded training and cannot be appointed" in page
    assert "mangler" not in page and "Ingenting" not in page


def test_the_staff_detail_page_reads_in_english(client, administrator, coordinator):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("administration:staff_detail", args=[coordinator.pk])).content
    assert b"Grant a role" in page and b"Role history" in page


def test_the_tasks_cost_the_same_few_queries_however_much_there_is(
    client, administrator, municipality, django_assert_max_num_queries
):
    for i in range(25):
        person = staff(Role.COORDINATOR, municipality, username=f"k{i}", mfa=i % 2 == 0)
        OrganisationFactory(municipality=municipality, name=f"Tjeneste {i}")
        _failed(person, 2)
    client.force_login(administrator)
    # One query per task (staff, services, notifications, training, retention, letters,
    # archive) on top of the page itself, and on the home page one per home part (plans,
    # meetings, families), whatever the numbers.
    for url in (reverse("home"), reverse("administration:index")):
        with django_assert_max_num_queries(18):
            assert client.get(url).status_code == 200
