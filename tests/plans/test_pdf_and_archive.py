"""The plan as PDF/A: what the viewer may see and nothing else, nothing fetched from outside,
and archive snapshots with a checksum."""

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from consent.models import AccessLogEntry
from consent.policy import PlanAccess
from ipplan.pdf import STATIC_BASE, BlockedResource, StaticOnlyFetcher
from plans.models import ArchiveRecord, Plan
from plans.sections import Section
from plans.selectors import plan_overview
from plans.services.archive import archive_snapshot
from plans.services.lifecycle import plan_close
from plans.services.pdf import render_plan_pdf


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_owner_downloads_the_whole_plan_as_pdf_a(client, owner, rich_plan):
    client.force_login(owner)
    response = client.get(reverse("plans:pdf", args=[rich_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    pdf = b"".join(response.streaming_content)
    text = pdf_text(pdf)
    for expected in (
        "Fjordvik kommune",
        "Ingrid Haugen",
        "Jeg vil bo hjemme",
        "Hjemmehjelp",
        "Lage middag",
        "Skrevet ut",
        "Nina Sykepleier",
        "Går bra",
    ):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert xmp.get_element("", "http://www.aiim.org/pdfa/ns/id/", "part")  # pdfaid:part
    assert AccessLogEntry.objects.filter(actor=owner, action="export").count() == 1


def test_a_section_the_viewer_may_not_read_is_not_in_the_pdf(rich_plan):
    goals_only = PlanAccess(plan=rich_plan, role="participant", read=frozenset({Section.GOALS}))
    text = pdf_text(render_plan_pdf(plan_overview(rich_plan, goals_only), printed_by="Test"))
    assert "Jeg vil bo hjemme" in text
    for hidden in ("Hjemmehjelp", "Nina Sykepleier", "Går bra", "Treningsprogram", "Om meg"):
        assert hidden not in text, hidden


def test_rendering_fetches_only_our_static_files():
    fetcher = StaticOnlyFetcher()
    with pytest.raises(BlockedResource):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(BlockedResource):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(BlockedResource):
        fetcher.fetch(STATIC_BASE + "../../ipplan/settings.py")
    response = fetcher.fetch(STATIC_BASE + "css/print.css")
    assert b"@page" in response.read()


def test_closing_takes_an_archive_snapshot_with_its_checksum(plan, coordinator, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    plan_close(plan=plan, reason=Plan.ClosingReason.NEED_ENDED, note="", acting_user=coordinator)
    record = ArchiveRecord.objects.get(plan=plan)
    stored = (tmp_path / record.storage_name).read_bytes()
    assert record.reason == ArchiveRecord.Reason.CLOSING
    assert hashlib.sha256(stored).hexdigest() == record.sha256 and record.size == len(stored)
    assert stored.startswith(b"%PDF-")
    assert "Avsluttet" in pdf_text(stored)


def test_the_archive_copy_holds_every_section_whoever_triggers_it(rich_plan, settings):
    record = rich_plan.archive_records.get()
    text = pdf_text((settings.PRIVATE_MEDIA_ROOT / record.storage_name).read_bytes())
    for expected in ("Hjemmehjelp", "Nina Sykepleier", "Går bra", "Fastlege", "Treningsprogram"):
        assert expected in text


def test_the_coordinator_archives_on_demand_and_the_page_shows_the_date(
    client, coordinator, plan, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Arkivkopi" in page and "ingen ennå" in page
    client.post(reverse("plans:archive", args=[plan.pk]))
    record = ArchiveRecord.objects.get(plan=plan)
    assert record.reason == ArchiveRecord.Reason.ON_DEMAND and record.created_by == coordinator
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "ingen ennå" not in page and f"lagret {record.created_at:%-d}." in page
    download = client.get(reverse("plans:archive_download", args=[plan.pk, record.pk]))
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == record.sha256


def test_the_owner_reads_about_the_archive_copy_only_once_there_is_one(
    client, owner, plan, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(owner)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Arkivkopi" not in page and "Sist arkivert" not in page
    archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.PERIODIC)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Arkivkopi" in page and "lagret " in page


def test_the_system_can_archive_without_a_person(plan, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    record = archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.PERIODIC)
    entry = AccessLogEntry.objects.get(plan=plan, action="archive")
    assert record.created_by is None and entry.actor is None and entry.actor_role == "system"
