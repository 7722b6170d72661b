"""The municipal administrator's in-app pages (/administrasjon/): staff and their roles with
who granted and revoked each and when, new staff users who choose their own password, the
municipality's services, and the coordinator registry. Only their own municipality; nothing
about citizens (issue 9, point 1)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import crypto
from accounts.models import (
    AccountSetupCode,
    Organisation,
    OutboxMessage,
    SecurityEvent,
    StaffMembership,
    User,
)
from accounts.outbox import SECRET_PREFIX
from accounts.roles import user_roles
from accounts.services import staff_setup_code_create
from tests.factories import OrganisationFactory, staff

PASSWORD = "Et-langt-nok-passord-2026"

Role = StaffMembership.Role
Event = SecurityEvent.Kind


@pytest.fixture
def bakkeby_nurse(other_municipality):
    return staff(Role.PROFESSIONAL, other_municipality, username="bente", first_name="Bente")


@pytest.fixture
def bakkeby_service(other_municipality):
    return OrganisationFactory(municipality=other_municipality, name="Bakkeby skole")


def test_the_navigation_leads_the_administrator_to_the_pages(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("home")).content.decode()
    assert reverse("administration:index") in page
    assert reverse("administration:staff") in page  # the home page's own section
    assert reverse("casework:registry") in page
    assert 'href="/admin/"' not in page
    index = client.get(reverse("administration:index")).content.decode()
    for name in ("administration:staff", "administration:services", "casework:registry"):
        assert reverse(name) in index


@pytest.mark.parametrize(
    "persona", ["coordinator", "case_handler", "professional", "owner", "stranger"]
)
def test_people_without_the_administrator_role_get_404(client, request, persona, coordinator):
    client.force_login(request.getfixturevalue(persona))
    membership = coordinator.memberships.get()
    for url in (
        reverse("administration:index"),
        reverse("administration:staff"),
        reverse("administration:staff_create"),
        reverse("administration:staff_detail", args=[coordinator.pk]),
        reverse("administration:services"),
        reverse("administration:service_create"),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("administration:role_revoke", args=[membership.pk])).status_code == 404
    )
    assert StaffMembership.objects.get(pk=membership.pk).is_active


def test_the_staff_list_shows_this_municipalitys_staff_and_not_citizens_or_others(
    client, administrator, coordinator, owner, bakkeby_nurse
):
    client.force_login(administrator)
    page = client.get(reverse("administration:staff")).content.decode()
    assert "Kari Nilsen" in page
    assert "Ingrid" not in page and "Bente" not in page
    for outsider in (owner, bakkeby_nurse):
        url = reverse("administration:staff_detail", args=[outsider.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"role": "coordinator"}).status_code == 404
    assert not StaffMembership.objects.filter(user=owner).exists()


def test_it_creates_a_staff_user_who_sets_their_own_password(
    client, administrator, municipality, home_care
):
    client.force_login(administrator)
    response = client.post(
        reverse("administration:staff_create"),
        {
            "first_name": "Tone",
            "last_name": "Vik",
            "username": "tone",
            "email": "tone.vik@fjordvik.example",
            "role": "coordinator",
            "organisation": home_care.pk,
            "title": "Sykepleier",
            "password1": "admin-chosen-pass-1",  # not a field: ignored
        },
    )
    tone = User.objects.get(username="tone")
    assert response["Location"] == reverse("administration:staff_detail", args=[tone.pk])
    assert not tone.has_usable_password() and tone.mfa_required
    assert not tone.has_national_id
    assert user_roles(tone).has(Role.COORDINATOR, municipality.pk)
    assert AccountSetupCode.objects.filter(user=tone, created_by=administrator).exists()
    mail = OutboxMessage.objects.get(recipient=tone, kind="account_setup")
    assert mail.link.startswith("enc:")  # the code is never stored or shown in the clear
    page = client.get(response["Location"]).content.decode()
    assert "Koordinator" in page and "Ahmed Karimi" in page  # who granted it


def test_the_form_has_no_password_or_national_id(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("administration:staff_create")).content.decode()
    assert 'name="password' not in page and "national_id" not in page


def test_a_bad_staff_form_changes_nothing(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("administration:staff_create"), {"username": "x y"})
    assert response.status_code == 400
    assert not User.objects.filter(username="x y").exists()


def test_it_grants_and_revokes_roles_with_history(client, administrator, coordinator):
    client.force_login(administrator)
    url = reverse("administration:staff_detail", args=[coordinator.pk])
    client.post(url, {"role": "case_handler", "title": "Rådgiver"})
    assert user_roles(coordinator).has(Role.CASE_HANDLER)
    membership = coordinator.memberships.get(role=Role.CASE_HANDLER)
    client.post(reverse("administration:role_revoke", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active
    kinds = list(
        SecurityEvent.objects.filter(user=coordinator, actor=administrator).values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == sorted([Event.ROLE_GRANTED, Event.ROLE_REVOKED])
    page = client.get(url).content.decode()
    assert "Rolle gitt" in page and "Rolle fjernet" in page and "Ahmed Karimi" in page


def test_an_administrator_cannot_change_his_own_roles(client, administrator, municipality):
    client.force_login(administrator)
    own = administrator.memberships.get()
    client.post(
        reverse("administration:staff_detail", args=[administrator.pk]), {"role": "case_handler"}
    )
    client.post(reverse("administration:role_revoke", args=[own.pk]))
    assert not user_roles(administrator).has(Role.CASE_HANDLER)
    assert StaffMembership.objects.get(pk=own.pk).is_active


def test_another_municipalitys_role_is_out_of_reach(client, administrator, bakkeby_nurse):
    client.force_login(administrator)
    membership = bakkeby_nurse.memberships.get()
    assert (
        client.post(reverse("administration:role_revoke", args=[membership.pk])).status_code == 404
    )
    assert StaffMembership.objects.get(pk=membership.pk).is_active


def test_it_creates_edits_and_deactivates_services(
    client, administrator, municipality, bakkeby_service
):
    client.force_login(administrator)
    client.post(
        reverse("administration:service_create"),
        {"name": "Fjordvik barnehage", "kind": "kindergarten", "phone": "", "email": ""},
    )
    service = Organisation.objects.get(name="Fjordvik barnehage")
    assert service.municipality == municipality
    client.post(
        reverse("administration:service_edit", args=[service.pk]),
        {"name": "Solsiden barnehage", "kind": "kindergarten", "municipality": 999},
    )
    service.refresh_from_db()
    assert service.name == "Solsiden barnehage" and service.municipality == municipality
    client.post(reverse("administration:service_set_active", args=[service.pk]), {"active": "0"})
    service.refresh_from_db()
    assert not service.is_active
    page = client.get(reverse("administration:services")).content.decode()
    assert "Solsiden barnehage" in page and "Bakkeby skole" not in page


def test_another_municipalitys_service_gives_404(client, administrator, bakkeby_service):
    client.force_login(administrator)
    for name in ("administration:service_edit", "administration:service_set_active"):
        url = reverse(name, args=[bakkeby_service.pk])
        assert client.post(url, {"name": "Hacked", "kind": "nav", "active": "0"}).status_code == 404
    bakkeby_service.refresh_from_db()
    assert bakkeby_service.name == "Bakkeby skole" and bakkeby_service.is_active


def test_a_duplicate_service_name_is_a_form_error(client, administrator, home_care):
    client.force_login(administrator)
    response = client.post(
        reverse("administration:service_create"), {"name": home_care.name, "kind": "home_care"}
    )
    assert response.status_code == 400
    assert Organisation.objects.filter(name=home_care.name).count() == 1


def test_the_administrator_reads_the_coordinator_registry_but_does_not_record_training(
    client, administrator, coordinator
):
    client.force_login(administrator)
    page = client.get(reverse("casework:registry"))
    assert page.status_code == 200 and "Kari Nilsen" in page.content.decode()
    membership = coordinator.memberships.get()
    assert client.get(reverse("casework:profile_edit", args=[membership.pk])).status_code == 404


def test_the_new_staff_member_sets_a_password_from_the_link_and_must_add_a_second_factor(
    client, administrator, municipality, home_care
):
    client.force_login(administrator)
    client.post(
        reverse("administration:staff_create"),
        {
            "first_name": "Tone",
            "last_name": "Vik",
            "username": "tone",
            "email": "tone.vik@fjordvik.example",
            "role": "coordinator",
            "organisation": home_care.pk,
        },
    )
    stored = OutboxMessage.objects.get(kind="account_setup").link
    link = crypto.decrypt(stored.removeprefix(SECRET_PREFIX))
    client.logout()
    form = client.get(link).content.decode()
    assert 'value="tone"' in form
    code = parse_qs(urlsplit(link).query)["kode"][0]
    response = client.post(
        reverse("accounts:activate"),
        {"username": "tone", "code": code, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(username="tone").check_password(PASSWORD)
    # Logged in, but no plan or case data before a second factor is set up.
    queue = client.get(reverse("casework:case_queue"))
    assert queue.status_code == 302
    assert queue["Location"] == reverse("accounts:mfa_required")
    # The code works once.
    client.logout()
    again = client.post(
        reverse("accounts:activate"),
        {"username": "tone", "code": code, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert again.status_code == 400


def test_no_staff_code_for_an_account_that_can_log_in(administrator, coordinator):
    with pytest.raises(ValidationError):
        staff_setup_code_create(user=coordinator, acting_user=administrator)
    with pytest.raises(ValidationError):
        staff_setup_code_create(user=administrator, acting_user=administrator)
