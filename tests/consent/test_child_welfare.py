"""Issue 11 §4: where the child welfare service has taken over care, it consents to the child's
plan and the parents no longer decide (they may still read); the coordinating unit registers
it from the care order; at the age of consent the young person decides."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Representation
from consent.models import Consent
from consent.policy import may_decide_for_owner, plan_access
from consent.selectors import active_plan_consent
from consent.services import plan_consent_give
from tests.factories import UserFactory, represent, synthetic_national_id
from tests.plans.conftest import MINIMAL_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(municipality):
    return UserFactory(username="bv", first_name="Berit", last_name="Barnevern")


@pytest.fixture
def in_care(child, guardian, caseworker):
    represent(child, caseworker, kind=Representation.Kind.CHILD_WELFARE)
    return caseworker


def test_the_child_welfare_service_consents_and_the_parent_does_not(child_plan, guardian, in_care):
    assert not may_decide_for_owner(guardian, child_plan)
    with pytest.raises(PermissionDenied):
        plan_consent_give(plan=child_plan, acting_user=guardian, child_view="Vil ha hjelp.")
    consent = plan_consent_give(plan=child_plan, acting_user=in_care, child_view="Vil ha hjelp.")
    assert consent.given_by_role == Consent.GiverRole.CHILD_WELFARE
    assert active_plan_consent(child_plan) == consent  # no parent's co-signature needed


def test_the_parent_still_reads_but_manages_nothing(child_plan, guardian, in_care):
    access = plan_access(guardian, child_plan)
    assert access.allowed and not access.can_manage_access


def test_at_the_age_of_consent_the_young_person_decides(child_plan, child, in_care):
    sixteenth = child.birth_date.replace(year=child.birth_date.year + 16)
    with time_machine.travel(
        datetime.datetime.combine(sixteenth, datetime.time(12), tzinfo=datetime.UTC)
    ):
        assert not may_decide_for_owner(in_care, child_plan, day=sixteenth)
        assert may_decide_for_owner(child, child_plan, day=sixteenth)


def test_the_unit_registers_it_from_the_care_order(client, case_handler, municipality):
    client.force_login(case_handler)
    url = reverse("casework:representation_create", args=["child_welfare"])
    page = client.get(url).content.decode()
    assert "Vedtak om omsorgsovertakelse" in page
    data = {
        "person_national_id": synthetic_national_id(datetime.date(2015, 5, 5)),
        "person_first_name": "Ola",
        "person_last_name": "Nordmann",
        "representative_national_id": synthetic_national_id(datetime.date(1980, 1, 1)),
        "representative_first_name": "Berit",
        "representative_last_name": "Barnevern",
        "document_reference": "BV-2026-123",
        "valid_from": timezone.localdate().strftime("%d.%m.%Y"),
    }
    refused = client.post(url, data)  # no care order uploaded
    assert refused.status_code == 400 and not Representation.objects.exists()
    response = client.post(
        url, {**data, "document": SimpleUploadedFile("vedtak.pdf", MINIMAL_PDF, "application/pdf")}
    )
    assert response.status_code == 302
    rep = Representation.objects.get()
    assert rep.kind == Representation.Kind.CHILD_WELFARE and rep.document_reference == "BV-2026-123"
    assert rep.basis_kind == Representation.BasisKind.CARE_ORDER


def test_staff_of_other_roles_cannot_register_it(client, coordinator, municipality):
    client.force_login(coordinator)
    url = reverse("casework:representation_create", args=["child_welfare"])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert not Representation.objects.exists()
