"""Issue 16 §1: the demo tells one story. Seeded letters, case logs and pages come from the same
seeded dates, and `make run` says where the demo runs, last and with the right port."""

from __future__ import annotations

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from casework.models import Case, CaseAccessLogEntry
from casework.services.letters import letter_open
from complaints.models import Complaint
from tests.casework.conftest import pdf_text

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _long(day: datetime.date) -> str:
    """As the letter writes it: in bokmål, whatever language an earlier test left active."""
    with translation.override("nb"):
        return date_format(day, "DATE_FORMAT")


def test_a_seeded_decision_letter_is_dated_the_day_of_the_decision(demo):
    case = Case.objects.get(person__username="innbygger")
    decision = case.decisions.get()
    assert case.decided_on == timezone.localdate() - datetime.timedelta(days=85)
    assert timezone.localdate(decision.letter.created_at) == case.decided_on
    assert decision.notified_on == case.decided_on
    with letter_open(decision.letter) as f:
        text = pdf_text(f.read())
    assert f"Dato: {_long(case.decided_on)}" in text
    assert _long(case.received_on) in text
    assert _long(decision.complaint_deadline) in text
    assert _long(timezone.localdate()) not in text


def test_the_seeded_case_log_starts_the_day_the_application_came_in(demo):
    case = Case.objects.get(person__username="innbygger")
    created = CaseAccessLogEntry.objects.get(case=case, action="create")
    assert timezone.localdate(created.at) == case.received_on
    assert case.received_on == timezone.localdate() - datetime.timedelta(days=100)
    ole = Case.objects.get(person__username="soker")
    created = CaseAccessLogEntry.objects.get(case=ole, action="create")
    assert timezone.localdate(created.at) == ole.received_on


def test_the_seeded_complaint_came_after_the_decision_it_is_about(demo):
    complaint = Complaint.objects.get(case__person__username="emma")
    assert complaint.received_on > complaint.case.decided_on
    assert complaint.received_on < timezone.localdate()


def test_the_demo_ends_with_where_it_runs_the_logins_and_the_totp_command(demo, settings):
    lines = demo.strip().splitlines()
    assert set(lines[-1]) == {"="}
    text = "\n".join(lines[lines.index(lines[-1]) :])
    assert settings.SITE_URL in text
    assert "demo-ipplan-2026" in text
    assert "demo_totp" in text


def test_make_run_passes_its_port_to_the_demo_links():
    out = subprocess.run(
        ["make", "-n", "run", "PORT=8237", "HOST=127.0.0.1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    seed_line = next(line for line in out.splitlines() if "seed_demo" in line)
    assert "IPPLAN_SITE_URL=http://127.0.0.1:8237" in seed_line
    serve_line = next(line for line in out.splitlines() if "runserver" in line)
    assert "IPPLAN_SITE_URL=http://127.0.0.1:8237" in serve_line


def test_the_embedded_broker_names_its_host(settings):
    """kombu warns "No hostname was supplied" for a bare memory:// URL."""
    from kombu import Connection

    assert Connection(settings.CELERY_BROKER_URL).hostname


def _page(client, username: str, url: str) -> str:
    from accounts.models import User

    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_lars_home_card_shows_when_the_complaint_came_in(demo, client):
    complaint = Complaint.objects.get(case__person__username="emma")
    page = _page(client, "foresatt", "/")
    assert f"Klagen kom inn {_long(complaint.received_on)}" in page
    assert _long(complaint.case.received_on) not in page


def test_oles_pages_do_not_say_received_twice(demo, client):
    case = Case.objects.get(person__username="soker")
    for url in ("/", "/mine-saker/", f"/mine-saker/{case.pk}/"):
        page = _page(client, "soker", url)
        assert "Mottatt</span> Mottatt" not in page
        assert f"Sendt inn {_long(case.received_on)}" in page


def test_ole_reads_that_he_is_owed_an_interim_reply(demo, client):
    case = Case.objects.get(person__username="soker")
    page = _page(client, "soker", f"/mine-saker/{case.pk}/")
    assert "Da skal du ha fått et foreløpig svar" in page
    ingrid = Case.objects.get(person__username="innbygger")
    assert "Da skal du ha fått et foreløpig svar" not in _page(
        client, "innbygger", f"/mine-saker/{ingrid.pk}/"
    )
