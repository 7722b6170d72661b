"""The reader's PDF holds the whole plan and the newest PDF_NOTES progress notes only, with a
line saying how many earlier notes there are and where to read them (a plan with thousands of
notes took seconds to lay out); the archive copy keeps every note."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from plans.models import ArchiveRecord, ProgressNote
from plans.services.archive import archive_snapshot
from plans.services.pdf import PDF_NOTES, plan_pdf_make

pytestmark = pytest.mark.django_db

EARLIER = 3


def _text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def _note_numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"Notatnr(\d{3})x", text)}


@pytest.fixture
def many_notes(plan, coordinator, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    first = datetime.date(2026, 1, 1)
    ProgressNote.objects.bulk_create(
        ProgressNote(
            plan=plan,
            author=coordinator,
            noted_on=first + datetime.timedelta(days=i),
            text=f"Notatnr{i:03d}x",
        )
        for i in range(PDF_NOTES + EARLIER)
    )
    return plan


def _reader_pdf(plan, user) -> bytes:
    return (settings.PRIVATE_MEDIA_ROOT / plan_pdf_make(plan=plan, user=user)).read_bytes()


def test_the_reader_pdf_holds_the_newest_notes_and_says_where_the_earlier_are(
    many_notes, coordinator
):
    text = _text(_reader_pdf(many_notes, coordinator))
    newest = set(range(EARLIER, PDF_NOTES + EARLIER))
    assert _note_numbers(text) == newest
    url = f"{settings.SITE_URL.rstrip('/')}{reverse('plans:notes', args=[many_notes.pk])}"
    line = (
        f"Utskriften har de {PDF_NOTES} nyeste notatene. {EARLIER} eldre notater kan leses "
        f"under «Notater» på planens side: {url}"
    )
    # The long address may wrap onto the next line: compare without the spaces.
    assert line.replace(" ", "") in text.replace(" ", "")


def test_the_line_is_in_english_for_an_english_reader(many_notes, coordinator):
    with translation.override("en"):
        text = _text(_reader_pdf(many_notes, coordinator))
    assert f"This printout has the {PDF_NOTES} newest notes. {EARLIER} earlier notes" in text


def test_one_earlier_note_is_named_in_the_singular(plan, coordinator, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    ProgressNote.objects.bulk_create(
        ProgressNote(plan=plan, author=coordinator, noted_on=datetime.date(2026, 1, 1), text="N")
        for _ in range(PDF_NOTES + 1)
    )
    text = _text(_reader_pdf(plan, coordinator))
    assert "1 eldre notat kan leses" in text


def test_a_plan_with_few_notes_has_no_such_line(plan, coordinator, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    ProgressNote.objects.create(
        plan=plan, author=coordinator, noted_on=datetime.date(2026, 1, 1), text="Notatnr000x"
    )
    text = _text(_reader_pdf(plan, coordinator))
    assert _note_numbers(text) == {0}
    assert "eldre notat" not in text and "nyeste notatene" not in text


def test_the_archive_copy_keeps_every_note(many_notes):
    record = archive_snapshot(plan=many_notes, reason=ArchiveRecord.Reason.PERIODIC)
    text = _text((settings.PRIVATE_MEDIA_ROOT / record.storage_name).read_bytes())
    assert _note_numbers(text) == set(range(PDF_NOTES + EARLIER))
    assert "nyeste notatene" not in text
