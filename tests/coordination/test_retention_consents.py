"""Issue 11 §5, retention and consent records: the archive copy made at closing holds the plan's
complete consent history (every consent, who gave it on whose behalf, co-signatures, the child's
view, withdrawals and replacements), so that deleting the working copy loses no consent record,
with archiving to Fiks Arkiv or monthly packages on or off."""

# The fixtures come from test_retention.py; pytest's use of them as parameters reads to ruff
# as a redefinition.
# ruff: noqa: F811

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consent.models import Consent, ConsentCosignature
from coordination.services.retention import retention_run
from ipplan.files import private_storage
from plans.models import ArchiveDelivery, ArchiveRecord, Participant, Plan, PlanDeletion
from plans.selectors import plan_overview
from plans.services.archive import archive_snapshot
from plans.services.lifecycle import plan_close
from plans.services.noark import archive_mode
from plans.services.pdf import render_plan_pdf
from tests.coordination.test_retention import (  # noqa: F401 (fixtures)
    _the_retention_role,
    closed_months_ago,
    closed_plan,
)
from tests.plans.test_pdf_and_archive import pdf_text

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def archived_text(record: ArchiveRecord) -> str:
    with private_storage().open(record.storage_name, "rb") as file:
        return pdf_text(file.read())


def a_participant(plan, coordinator, name: str) -> Participant:
    return Participant.objects.create(plan=plan, name=name, role="service_provider")


def consent_history_of(plan, coordinator, owner) -> dict[str, Consent]:
    """A parent's consent for the child with the other parent's co-signature and the child's
    view, replaced by the owner's own; a sharing consent given and withdrawn; one in force."""
    plan.consents.all().delete()
    mother = Consent.objects.create(
        plan=plan,
        kind=Consent.Kind.PLAN,
        given_by_name="Mona Mor",
        given_by_role=Consent.GiverRole.PARENT,
        basis="Foreldreansvar",
        method=Consent.Method.DIGITAL,
        recorded_by=coordinator,
        covers="Individuell plan for barnet",
        valid_from=datetime.date(2024, 3, 1),
        given_at=NOW - datetime.timedelta(days=700),
        child_view="Jeg vil gjerne ha en plan med fotball",
        complete_at=NOW - datetime.timedelta(days=690),
        withdrawn_at=NOW - datetime.timedelta(days=30),
        withdrawn_by=owner,
    )
    ConsentCosignature.objects.create(
        consent=mother,
        given_by_name="Frode Far",
        basis="Foreldreansvar (far)",
        given_at=NOW - datetime.timedelta(days=690),
        recorded_by=coordinator,
    )
    own = Consent.objects.create(
        plan=plan,
        kind=Consent.Kind.PLAN,
        given_by=owner,
        given_by_name="Ingrid Egen",
        given_by_role=Consent.GiverRole.OWNER,
        method=Consent.Method.DIGITAL,
        recorded_by=owner,
        covers="Min egen plan",
        valid_from=datetime.date(2026, 1, 2),
        given_at=NOW - datetime.timedelta(days=30),
        complete_at=NOW - datetime.timedelta(days=30),
    )
    Consent.objects.filter(pk=mother.pk).update(replaced_by=own)
    sharing = Consent.objects.create(
        plan=plan,
        kind=Consent.Kind.SHARING,
        participant=a_participant(plan, coordinator, "Sara Skolehelse"),
        given_by=owner,
        given_by_name="Ingrid Egen",
        given_by_role=Consent.GiverRole.OWNER,
        method=Consent.Method.DIGITAL,
        recorded_by=owner,
        covers="Deling av mål med skolehelsetjenesten",
        valid_from=datetime.date(2025, 5, 5),
        given_at=NOW - datetime.timedelta(days=200),
        withdrawn_at=NOW - datetime.timedelta(days=100),
        withdrawn_by=owner,
    )
    return {"mother": mother, "own": own, "sharing": sharing}


def test_the_closing_copy_lists_every_consent_record(plan, coordinator, owner, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    consent_history_of(plan, coordinator, owner)
    plan_close(plan=plan, reason=Plan.ClosingReason.NEED_ENDED, note="", acting_user=coordinator)
    record = ArchiveRecord.objects.get(plan=plan, reason=ArchiveRecord.Reason.CLOSING)
    assert record.consent_history
    text = " ".join(archived_text(record).split())
    assert "Samtykkehistorikk" in text
    # Who gave it, on whose behalf, on which basis, what it covers, the child's view.
    assert f"Mona Mor (foresatt), på vegne av {plan.owner.display_name}" in text
    assert "Foreldreansvar" in text and "Individuell plan for barnet" in text
    assert "Jeg vil gjerne ha en plan med fotball" in text
    # The other parent's co-signature, and who recorded the consent.
    assert "Medsignert Frode Far (Foreldreansvar (far))" in text
    assert f"registrert av {coordinator.display_name}" in text
    # The replacement (at coming of age) and the consent that replaced it.
    assert "Erstattet" in text and "erstattet av samtykket fra Ingrid Egen" in text
    assert "Ingrid Egen (planeier selv)" in text and "Min egen plan" in text
    # A sharing consent with its participant, and its withdrawal.
    assert "Sara Skolehelse" in text and "Deling av mål med skolehelsetjenesten" in text
    assert "Trukket tilbake" in text


def test_a_readers_copy_has_no_consent_history(plan, owner):
    from plans.access import plan_access

    text = pdf_text(render_plan_pdf(plan_overview(plan, plan_access(owner, plan)), printed_by="x"))
    assert "Samtykkehistorikk" not in text


def test_with_archiving_off_retention_keeps_the_consents_in_the_archive_copy(
    closed_plan, django_capture_on_commit_callbacks
):
    assert archive_mode() == ""
    given = list(Consent.objects.filter(plan=closed_plan).values_list("given_by_name", "covers"))
    assert given
    closed_months_ago(closed_plan, 13)
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run()
    assert run.deleted == [closed_plan.pk]
    assert not Consent.objects.filter(plan=closed_plan).exists()
    assert not ArchiveDelivery.objects.filter(kind=ArchiveDelivery.Kind.CONSENT).exists()
    kept = PlanDeletion.objects.get(plan=closed_plan).archive_record
    assert kept.reason == ArchiveRecord.Reason.CLOSING and kept.consent_history
    text = " ".join(archived_text(kept).split())
    for name, covers in given:
        assert name in text and " ".join(covers.split()) in text


def test_an_old_copy_without_consent_history_gets_a_new_copy_before_deletion(
    closed_plan, django_capture_on_commit_callbacks
):
    old = ArchiveRecord.objects.get(plan=closed_plan, reason=ArchiveRecord.Reason.CLOSING)
    ArchiveRecord.objects.filter(plan=closed_plan).update(consent_history=False)
    before = set(ArchiveRecord.objects.filter(plan=closed_plan).values_list("pk", flat=True))
    closed_months_ago(closed_plan, 13)
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run()
    assert run.deleted == [closed_plan.pk]
    new = ArchiveRecord.objects.exclude(pk__in=before).get(plan=closed_plan)
    assert new.reason == ArchiveRecord.Reason.RETENTION and new.consent_history
    assert PlanDeletion.objects.get(plan=closed_plan).archive_record == new
    assert "Samtykkehistorikk" in archived_text(new)
    # The old copy stays too: nothing archived is ever deleted.
    assert private_storage().exists(old.storage_name)


def test_an_old_copy_that_does_not_match_its_hash_is_still_held_back(closed_plan):
    ArchiveRecord.objects.filter(plan=closed_plan).update(consent_history=False, sha256="0" * 64)
    closed_months_ago(closed_plan, 13)
    before = ArchiveRecord.objects.filter(plan=closed_plan).count()
    run = retention_run()
    assert run.held == [closed_plan.pk] and run.deleted == []
    assert ArchiveRecord.objects.filter(plan=closed_plan).count() == before
    assert Consent.objects.filter(plan=closed_plan).exists()


def snapshot_queries(plan, coordinator, consents: int) -> int:
    participant = a_participant(plan, coordinator, f"Deltaker {consents}")
    for number in range(consents):
        consent = Consent.objects.create(
            plan=plan,
            kind=Consent.Kind.SHARING,
            participant=participant,
            given_by_name=f"Giver {number}",
            given_by_role=Consent.GiverRole.PARENT,
            method=Consent.Method.DIGITAL,
            recorded_by=coordinator,
            covers="Deling",
            valid_from=datetime.date(2026, 1, 1),
            withdrawn_at=NOW,
            withdrawn_by=coordinator,
        )
        ConsentCosignature.objects.create(consent=consent, given_by_name=f"Medgiver {number}")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.PERIODIC)
    return len(queries)


def test_the_snapshot_query_count_does_not_grow_with_the_consents(
    plan, coordinator, owner, municipality, settings, tmp_path
):
    from tests.factories import PlanFactory

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    other = PlanFactory(municipality=municipality, coordinator=coordinator)
    assert snapshot_queries(plan, coordinator, 2) == snapshot_queries(other, coordinator, 12)


def test_the_owner_and_the_administrator_read_that_consents_stay_in_the_archive(
    client, closed_plan, owner, administrator
):
    client.force_login(owner)
    page = client.get(reverse("plans:detail", args=[closed_plan.pk])).content.decode()
    assert "Samtykkene (hvem som ga dem, på vegne av hvem" in page
    assert "er med i arkivkopien" in page
    client.force_login(administrator)
    page = client.get(reverse("administration:retention")).content.decode()
    assert "Samtykkene til planen, med medsignaturer" in page
