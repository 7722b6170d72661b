"""Bokmål by default, English through the .po catalogue, which must be complete; letters and
notifications go out in the official language whatever the sender's screen shows."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import OutboxMessage
from casework.services.letters import letter_open
from tests.casework.conftest import apply, decide

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is required by make")
def test_the_english_catalogue_is_complete():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    )
    statistics = result.stderr
    assert "fuzzy" not in statistics and "untranslated" not in statistics, statistics
    assert int(re.match(r"(\d+) translated", statistics)[1]) > 1000


@pytest.mark.django_db
def test_pages_are_bokmal_by_default_and_english_on_request(client, case_handler, application):
    client.force_login(case_handler)
    assert "Arbeidskø" in client.get(reverse("casework:case_queue")).content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("casework:case_queue")).content.decode()
    assert "Work queue" in page and "Arbeidskø" not in page


@pytest.mark.django_db
def test_letters_and_notifications_are_in_bokmal_even_from_an_english_screen(
    case_handler, owner, municipality, rule, django_capture_on_commit_callbacks
):
    case = apply(owner, municipality)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        decision = decide(case, case_handler, rule)
    with letter_open(decision.letter) as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "Du har rett til å klage" in text and "right to complain" not in text
    assert decision.letter.title == "Vedtak om individuell plan og koordinator"
    assert "pasient- og brukerrettighetsloven" in decision.legal_basis
    assert OutboxMessage.objects.get(recipient=owner).language == "nb"
    assert "Logg inn" in mail.outbox[-1].body


@pytest.mark.django_db
def test_the_case_log_is_kept_in_bokmal_and_shown_in_the_readers_language(
    client, case_handler, owner, application
):
    client.force_login(case_handler)
    client.cookies["django_language"] = "en"
    client.post(reverse("casework:case_assign", args=[application.pk]))
    client.get(reverse("casework:case", args=[application.pk]))
    stored = list(application.access_log.order_by("pk").values_list("what", "detail"))
    assert stored[1:] == [("Tildelt saksbehandler", "Mona Lie"), ("Saken", "")]
    client.force_login(owner)
    page = client.get(reverse("casework:my_case", args=[application.pk])).content.decode()
    assert "Changed: Assigned to a case handler (Mona Lie)" in page
    assert "Viewed: The case" in page and "Saken" not in page
