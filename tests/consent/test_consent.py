"""Consent to the plan: given in ipplan or on paper, needed to activate, and withdrawn at any
time, which closes the plan at once and keeps everything."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consent.models import AccessGrant, Consent, PlanSectionUserObjectPermission
from consent.policy import plan_access
from consent.services import (
    CONSENT_EXISTS,
    PLAN_CONSENT_TEXT,
    plan_consent_give,
    plan_consent_record_paper,
)
from plans.models import ArchiveRecord, Goal, Plan
from plans.services.goals import goal_create
from plans.services.lifecycle import plan_consent_withdraw
from tests.factories import UserFactory, represent
from tests.plans.conftest import MINIMAL_PDF


def test_the_adult_owner_consents_in_ipplan(plan, owner):
    consent = plan_consent_give(plan=plan, acting_user=owner)
    assert (consent.kind, consent.method, consent.given_by, consent.given_by_role) == (
        "plan",
        "digital",
        owner,
        "owner",
    )
    assert consent.covers == str(PLAN_CONSENT_TEXT)
    with pytest.raises(ValidationError) as error:
        plan_consent_give(plan=plan, acting_user=owner)
    assert error.value.messages == [str(CONSENT_EXISTS)]


def test_a_child_cannot_consent_but_a_parent_can_and_the_other_parent_is_told(
    child_plan, child, guardian, django_capture_on_commit_callbacks
):
    other_parent = UserFactory(email="mor@example.org")
    represent(child, other_parent)
    with pytest.raises(PermissionDenied):
        plan_consent_give(plan=child_plan, acting_user=child)
    with django_capture_on_commit_callbacks(execute=True):
        consent = plan_consent_give(plan=child_plan, acting_user=guardian)
    assert consent.given_by_role == "parent" and consent.basis == "Foreldreansvar"
    assert [m.to for m in mail.outbox] == [["mor@example.org"]]
    assert "Emma" not in mail.outbox[0].body


def test_the_coordinator_records_a_consent_signed_on_paper(plan, coordinator, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    consent = plan_consent_record_paper(
        plan=plan,
        given_by_name="Ingrid Haugen",
        given_by_role="owner",
        basis="",
        signed_form=SimpleUploadedFile("samtykke.pdf", MINIMAL_PDF),
        acting_user=coordinator,
    )
    assert consent.method == "paper" and consent.recorded_by == coordinator
    assert (tmp_path / consent.paper_storage_name).read_bytes() == MINIMAL_PDF


def test_paper_consent_needs_a_real_scanned_form(plan, coordinator, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError):
        plan_consent_record_paper(
            plan=plan,
            given_by_name="X",
            given_by_role="owner",
            basis="",
            signed_form=SimpleUploadedFile("samtykke.pdf", b"MZ not a pdf"),
            acting_user=coordinator,
        )
    assert not Consent.objects.exists()


def test_withdrawing_consent_closes_the_plan_keeps_everything_and_archives_it(
    access_plan, guardian, coordinator, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    goal_create(plan=access_plan, title="Ha en venn", acting_user=coordinator)
    grants_before = AccessGrant.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        plan_consent_withdraw(plan=access_plan, acting_user=guardian)
    access_plan.refresh_from_db()
    assert access_plan.status == Plan.Status.CLOSED
    assert access_plan.closing_reason == Plan.ClosingReason.CONSENT_WITHDRAWN
    assert Goal.objects.filter(plan=access_plan).count() == 1  # nothing deleted
    assert AccessGrant.objects.count() == grants_before
    assert not AccessGrant.objects.filter(plan=access_plan, status="active").exists()
    assert not PlanSectionUserObjectPermission.objects.exists()
    assert not plan_access(access_plan.people["nurse"], access_plan).allowed
    assert ArchiveRecord.objects.get(plan=access_plan).reason == "closing"
    assert Consent.objects.get(plan=access_plan, kind="plan").withdrawn_by == guardian
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Emma" not in mail.outbox[0].body


def test_only_the_one_who_decides_may_withdraw(access_plan, coordinator, child):
    for actor in (coordinator, child, access_plan.people["nurse"]):
        with pytest.raises(PermissionDenied):
            plan_consent_withdraw(plan=access_plan, acting_user=actor)
    access_plan.refresh_from_db()
    assert access_plan.status == Plan.Status.ACTIVE


def test_plan_health_item_h_follows_the_consent(client, plan, coordinator, owner):
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Samtykke til planen er ikke registrert" in page
    plan_consent_give(plan=plan, acting_user=owner)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Samtykke til planen er ikke registrert" not in page
    listing = client.get(reverse("plans:coordinator_list"))
    assert listing.context["rows"][0].health[7].ok  # item h


def test_giving_consent_through_the_page_needs_the_box_ticked(client, plan, owner):
    client.force_login(owner)
    url = reverse("consent:give", args=[plan.pk])
    assert "Du kan trekke samtykket tilbake" in client.get(url).content.decode()
    response = client.post(url, {})
    assert response.status_code == 400
    assert not Consent.objects.exists()
    client.post(url, {"confirm": "on"})
    assert Consent.objects.get().given_by == owner
