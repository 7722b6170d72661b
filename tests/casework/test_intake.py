"""Intake: applications (for oneself or a child), referrals with recorded consent, paper
applications with the scan, and who may register what where."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffMembership, User
from casework.models import Case
from casework.services.cases import (
    case_submit,
)
from tests.casework.conftest import apply
from tests.factories import MunicipalityFactory, staff, synthetic_national_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ago(days):
    return TODAY - datetime.timedelta(days=days)


# --- Applying --------------------------------------------------------------------------------


def test_a_citizen_applies_and_gets_a_numbered_case_in_the_queue(client, owner, municipality):
    client.force_login(owner)
    response = client.post(
        reverse("casework:apply"),
        {
            "person": owner.pk,
            "municipality": municipality.pk,
            "wants": ["wants_plan", "wants_coordinator"],
            "needs": "Jeg har mange å forholde meg til.",
            "current_services": "Hjemmetjenesten, NAV",
            "preferred_coordinator": "Kari",
            "consent_to_contact": "on",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:my_case", args=[case.pk])
    assert case.number == f"{TODAY.year}/0001"
    assert (case.person, case.kind, case.status) == (owner, "application", "received")
    assert case.wants_plan and case.wants_coordinator and not case.wants_child_coordinator
    assert case.received_on == TODAY and case.submitter_role == "self"
    assert case.access_log.get().action == "create"


def test_an_application_that_asks_for_nothing_is_refused_and_saves_nothing(
    client, owner, municipality
):
    client.force_login(owner)
    response = client.post(
        reverse("casework:apply"),
        {"person": owner.pk, "municipality": municipality.pk, "needs": "Hjelp"},
    )
    assert response.status_code == 400
    assert "Kryss av for hva du søker om." in response.content.decode()
    assert not Case.objects.exists()


def test_a_guardian_applies_for_a_child_coordinator_for_their_child(
    client, guardian, child, municipality
):
    client.force_login(guardian)
    page = client.get(reverse("casework:apply")).content.decode()
    assert "Emma Berg" in page and "Lars Berg" in page
    client.post(
        reverse("casework:apply"),
        {
            "person": child.pk,
            "municipality": municipality.pk,
            "wants": ["wants_plan", "wants_child_coordinator"],
            "needs": "Emma trenger hjelp fra skole, PPT og BUP.",
        },
    )
    case = Case.objects.get()
    assert case.person == child and case.submitter_role == "guardian"
    assert case.submitted_by == guardian and case.wants_child_coordinator


def test_nobody_can_apply_in_someone_elses_name(stranger, owner, municipality):
    with pytest.raises(PermissionDenied):
        apply(owner, municipality, by=stranger)
    assert not Case.objects.exists()


def test_the_apply_form_offers_only_the_people_the_user_acts_for(client, stranger, owner):
    client.force_login(stranger)
    response = client.post(
        reverse("casework:apply"),
        {"person": owner.pk, "wants": ["wants_plan"], "needs": "x"},
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_barnekoordinator_is_for_children_only(owner, municipality):
    with pytest.raises(ValidationError):
        apply(owner, municipality, plan=False, coordinator=False, child=True)


def test_case_numbers_run_per_municipality(owner, child, municipality, other_municipality):
    first = apply(owner, municipality)
    second = apply(child, municipality, plan=True, coordinator=False)
    elsewhere = apply(owner, other_municipality)
    assert [first.number, second.number] == [f"{TODAY.year}/0001", f"{TODAY.year}/0002"]
    assert elsewhere.number == f"{TODAY.year}/0001"


def test_applications_are_rate_limited(owner, municipality):
    for _ in range(10):
        apply(owner, municipality)
    with pytest.raises(PermissionDenied):
        apply(owner, municipality)
    assert Case.objects.count() == 10


# --- Referrals and paper applications -----------------------------------------------------


def test_a_professional_refers_a_new_person_with_their_consent(client, professional, municipality):
    national_id = synthetic_national_id(datetime.date(1958, 6, 30))
    client.force_login(professional)
    data = {
        "national_id": national_id,
        "first_name": "Nils",
        "last_name": "Berntsen",
        "municipality": municipality.pk,
        "relation": "professional",
        "wants": ["wants_plan", "wants_coordinator"],
        "needs": "Sammensatte behov.",
        "consent_to_contact": "on",
        "consent_note": "Muntlig samtykke 3. mars",
    }
    response = client.post(reverse("casework:referral"), data)
    assert response.status_code == 200
    assert "Meldingen er sendt" in response.content.decode()
    case = Case.objects.get()
    assert case.kind == "referral" and case.submitter_role == "professional"
    assert case.person.first_name == "Nils" and not case.person.has_usable_password()
    assert case.consent_note == "Muntlig samtykke 3. mars"
    # The referrer does not follow the case afterwards.
    assert client.get(reverse("casework:my_case", args=[case.pk])).status_code == 404
    assert national_id not in response.content.decode()


def test_a_referral_without_recorded_consent_is_refused(client, professional, municipality):
    client.force_login(professional)
    response = client.post(
        reverse("casework:referral"),
        {
            "national_id": synthetic_national_id(datetime.date(1958, 6, 30)),
            "first_name": "Nils",
            "last_name": "Berntsen",
            "municipality": municipality.pk,
            "relation": "relative",
            "wants": ["wants_plan"],
            "needs": "Behov",
        },
    )
    assert response.status_code == 400
    assert not Case.objects.exists() and not User.objects.filter(first_name="Nils").exists()


def test_a_referral_with_an_invalid_identity_number_says_so(client, professional, municipality):
    client.force_login(professional)
    response = client.post(
        reverse("casework:referral"),
        {"national_id": "12345678901", "municipality": municipality.pk, "wants": ["wants_plan"]},
    )
    assert response.status_code == 400
    assert "kontrollsifrene stemmer ikke" in response.content.decode()


def test_the_paper_form_asks_the_case_handler_about_the_person(client, case_handler):
    client.force_login(case_handler)
    page = client.get(reverse("casework:paper_application")).content.decode()
    assert "Hvilke tjenester får personen i dag?" in page
    assert "Har personen ønske om koordinator?" in page
    assert "får du i dag" not in page and "Ønsker du en bestemt koordinator?" not in page


def test_a_case_handler_registers_a_paper_application_with_the_scan(
    client, case_handler, owner, municipality
):
    client.force_login(case_handler)
    response = client.post(
        reverse("casework:paper_application"),
        {
            "national_id": owner.get_national_id(),
            "first_name": "Ingrid",
            "last_name": "Haugen",
            "received_on": _ago(10).isoformat(),
            "wants": ["wants_plan"],
            "needs": "Fra søknadsskjemaet",
            "consent_to_contact": "on",
            "scanned_form": SimpleUploadedFile("soknad.pdf", PDF, "application/pdf"),
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.kind, case.person, case.received_on) == ("paper", owner, _ago(10))
    download = client.get(reverse("casework:scanned_form", args=[case.pk]))
    assert b"".join(download.streaming_content) == PDF
    client.force_login(owner)
    assert client.get(reverse("casework:scanned_form", args=[case.pk])).status_code == 404


def test_a_paper_application_cannot_be_dated_in_the_future(client, case_handler, owner):
    client.force_login(case_handler)
    response = client.post(
        reverse("casework:paper_application"),
        {
            "national_id": owner.get_national_id(),
            "first_name": "Ingrid",
            "last_name": "Haugen",
            "received_on": (TODAY + datetime.timedelta(days=1)).isoformat(),
            "wants": ["wants_plan"],
            "needs": "x",
            "scanned_form": SimpleUploadedFile("soknad.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 400 and not Case.objects.exists()


def test_a_paper_application_refuses_a_file_that_is_not_a_document(client, case_handler, owner):
    client.force_login(case_handler)
    response = client.post(
        reverse("casework:paper_application"),
        {
            "national_id": owner.get_national_id(),
            "first_name": "Ingrid",
            "last_name": "Haugen",
            "received_on": TODAY.isoformat(),
            "wants": ["wants_plan"],
            "needs": "x",
            "scanned_form": SimpleUploadedFile("soknad.pdf", b"MZ\x90\x00", "application/pdf"),
        },
    )
    assert response.status_code == 400 and not Case.objects.exists()


def test_a_case_handler_from_elsewhere_cannot_register_a_case_here(owner, municipality):
    elsewhere = staff("case_handler", MunicipalityFactory(), username="hilde")
    with pytest.raises(PermissionDenied):
        case_submit(
            person=owner,
            municipality=municipality,
            kind=Case.Kind.PAPER,
            submitter_role=Case.SubmitterRole.CASE_HANDLER,
            acting_user=elsewhere,
            wants_plan=True,
            wants_coordinator=False,
            wants_child_coordinator=False,
            needs="x",
        )


def test_a_person_without_an_identity_number_cannot_be_referred(client, professional):
    client.force_login(professional)
    users = User.objects.count()
    response = client.post(reverse("casework:referral"), {})
    assert response.status_code == 400
    assert "Personens fødselsnummer eller D-nummer" in response.content.decode()
    assert User.objects.count() == users and not Case.objects.exists()


def test_a_handler_in_two_municipalities_chooses_where_a_paper_application_belongs(
    client, case_handler, owner, municipality, other_municipality
):
    StaffMembership.objects.create(
        user=case_handler, municipality=other_municipality, role="case_handler"
    )
    client.force_login(case_handler)
    data = {
        "national_id": owner.get_national_id(),
        "first_name": "Ingrid",
        "last_name": "Haugen",
        "received_on": TODAY.isoformat(),
        "wants": ["wants_plan"],
        "needs": "x",
    }
    elsewhere = MunicipalityFactory()
    response = client.post(
        reverse("casework:paper_application"),
        {
            **data,
            "municipality": elsewhere.pk,
            "scanned_form": SimpleUploadedFile("s.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 400 and not Case.objects.exists()
    client.post(
        reverse("casework:paper_application"),
        {
            **data,
            "municipality": other_municipality.pk,
            "scanned_form": SimpleUploadedFile("s.pdf", PDF, "application/pdf"),
        },
    )
    assert Case.objects.get().municipality == other_municipality


def test_a_referral_comes_from_a_relative_or_a_professional(professional, owner, municipality):
    with pytest.raises(ValidationError) as refused:
        case_submit(
            person=owner,
            municipality=municipality,
            kind=Case.Kind.REFERRAL,
            submitter_role=Case.SubmitterRole.SELF,
            acting_user=professional,
            wants_plan=True,
            wants_coordinator=False,
            wants_child_coordinator=False,
            needs="x",
            consent_to_contact=True,
            consent_note="Muntlig",
        )
    assert refused.value.code == "role" and not Case.objects.exists()
