"""Issue 11 §4: both parents with parental responsibility consent to a child's plan (pbrl
§ 4-4): one parent's consent opens it, the other's completes it; until then the consent is not
in force and the plan cannot be put to use. A paper form signed by the other parent completes
it too; anyone else is refused."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consent.models import Consent, ConsentCosignature
from consent.selectors import active_plan_consent, parents_yet_to_consent, pending_plan_consent
from consent.services import plan_consent_give
from consent.services.consents import plan_consent_record_paper
from plans.models import Plan
from plans.services.lifecycle import plan_activate
from tests.factories import UserFactory, represent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def parents(child, guardian):
    """Emma (10) has two parents with parental responsibility: her father (the guardian
    fixture) and her mother."""
    mother = UserFactory(username="mari", first_name="Mari", last_name="Berg")
    represent(child, mother)
    return guardian, mother


@pytest.fixture
def draft(child_plan):
    Plan.objects.filter(pk=child_plan.pk).update(status=Plan.Status.DRAFT)
    child_plan.refresh_from_db()
    return child_plan


def test_one_parent_is_not_enough(draft, parents, coordinator, django_capture_on_commit_callbacks):
    father, mother = parents
    with django_capture_on_commit_callbacks(execute=True):
        plan_consent_give(plan=draft, acting_user=father, child_view="Vil ha hjelp med lekser.")
    assert active_plan_consent(draft) is None
    assert parents_yet_to_consent(draft, pending_plan_consent(draft)) == [mother]
    assert [m.to for m in mail.outbox] == [[mother.email]]  # asked, with a link only
    assert "lekser" not in mail.outbox[0].body
    with pytest.raises(ValidationError):
        plan_activate(plan=draft, acting_user=coordinator)
    with pytest.raises(ValidationError):
        plan_consent_give(plan=draft, acting_user=father)  # already signed
    assert ConsentCosignature.objects.count() == 0


def test_the_second_parent_completes_it(draft, parents, coordinator):
    father, mother = parents
    plan_consent_give(plan=draft, acting_user=father, child_view="Vil ha hjelp med lekser.")
    plan_consent_give(plan=draft, acting_user=mother)
    consent = active_plan_consent(draft)
    assert consent is not None and consent.given_by == father
    assert list(consent.cosignatures.values_list("given_by", flat=True)) == [mother.pk]
    plan_activate(plan=draft, acting_user=coordinator)
    with pytest.raises(ValidationError):
        plan_consent_give(plan=draft, acting_user=mother)
    assert Consent.objects.filter(kind=Consent.Kind.PLAN).count() == 1


def test_the_pages_say_who_is_missing_and_the_other_parent_sees_the_childs_view(
    client, draft, parents
):
    father, mother = parents
    plan_consent_give(plan=draft, acting_user=father, child_view="Vil ha hjelp med lekser.")
    client.force_login(mother)
    overview = client.get(reverse("consent:overview", args=[draft.pk])).content.decode()
    assert "Venter på:" in overview and "Mari Berg" in overview
    give = client.get(reverse("consent:give", args=[draft.pk])).content.decode()
    assert "samtykket" in give and "Vil ha hjelp med lekser." in give
    assert 'name="child_view"' not in give  # the child was heard with the first consent
    client.post(reverse("consent:give", args=[draft.pk]), {"confirm": "on"})
    assert active_plan_consent(draft) is not None


def test_a_parent_alone_with_parental_responsibility_completes_it(draft, guardian):
    plan_consent_give(plan=draft, acting_user=guardian, child_view="Vil ha hjelp med lekser.")
    assert active_plan_consent(draft) is not None


def test_a_paper_form_from_the_other_parent_completes_it(
    draft, parents, coordinator, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    father, _mother = parents
    plan_consent_give(plan=draft, acting_user=father, child_view="Vil ha hjelp med lekser.")
    plan_consent_record_paper(
        plan=draft,
        given_by_name="Mari Berg",
        given_by_role=Consent.GiverRole.PARENT,
        basis="Foreldreansvar",
        signed_form=SimpleUploadedFile("skjema.pdf", PDF, content_type="application/pdf"),
        acting_user=coordinator,
    )
    consent = active_plan_consent(draft)
    assert consent.given_by == father
    (signature,) = consent.cosignatures.all()
    assert (
        signature.given_by is None
        and signature.paper_sha256
        and signature.recorded_by == coordinator
    )


def test_the_paper_form_must_be_signed_by_all(
    client, draft, parents, coordinator, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(coordinator)
    data = {
        "given_by_name": "Lars Berg",
        "given_by_role": "parent",
        "basis": "Foreldreansvar",
        "signed_form": SimpleUploadedFile("skjema.pdf", PDF, content_type="application/pdf"),
    }
    refused = client.post(reverse("consent:paper", args=[draft.pk]), data)
    assert refused.status_code == 400 and "signert av alle" in refused.content.decode()
    assert not Consent.objects.exists()


def test_nobody_else_can_sign(draft, parents, coordinator, stranger):
    father, _mother = parents
    plan_consent_give(plan=draft, acting_user=father, child_view="Vil ha hjelp med lekser.")
    for someone in (coordinator, stranger):
        with pytest.raises(PermissionDenied):
            plan_consent_give(plan=draft, acting_user=someone)
    assert active_plan_consent(draft) is None
