"""The table of legal references: the one in force on a day, a change of law as data, and the
plan's health panel and PDF citing the IP regulation in force (not the repealed one)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from plans.law import MissingLegalReference, legal_reference, legal_references
from plans.models import LegalReference

pytestmark = pytest.mark.django_db

# The new forvaltningsloven renumbers; its sections here are made up for the test.
NEW_ACT = datetime.date(2030, 1, 1)


def renumber_interim_reply() -> LegalReference:
    """What a data migration for a change of law does: close the old row, add the new one."""
    old = LegalReference.objects.get(code="interim_reply", valid_to__isnull=True)
    old.valid_to = NEW_ACT - datetime.timedelta(days=1)
    old.save()
    return LegalReference.objects.create(
        code="interim_reply",
        law="forvaltningsloven",
        section="§ 99",
        title="Foreløpig svar",
        text="Den nye loven.",
        source_url="https://lovdata.no/",
        valid_from=NEW_ACT,
    )


def test_the_rights_cite_the_rules_in_force_since_2022():
    law = legal_references(
        "right_to_plan", "right_to_coordinator", "right_to_child_coordinator", "ip_content"
    )
    assert law["right_to_plan"].citation == "pasient- og brukerrettighetsloven § 2-5"
    assert law["right_to_coordinator"].citation == "pasient- og brukerrettighetsloven § 2-5 b"
    assert "komplekse eller langvarige" in law["right_to_coordinator"].text
    assert law["right_to_child_coordinator"].citation.endswith("§ 2-5 c")
    assert law["ip_content"].citation == (
        "forskrift om individuell plan ved ytelse av velferdstjenester"
    )


def test_the_coordinator_right_did_not_exist_before_august_2022():
    with pytest.raises(MissingLegalReference):
        legal_reference("right_to_coordinator", on=datetime.date(2022, 7, 31))
    assert legal_reference("right_to_coordinator", on=datetime.date(2022, 8, 1))


def test_an_unknown_code_is_a_clear_error():
    with pytest.raises(MissingLegalReference, match="no_such_rule"):
        legal_reference("no_such_rule")


def test_a_change_of_law_is_data_and_each_day_gets_its_own_version():
    new = renumber_interim_reply()
    assert legal_reference("interim_reply", on=NEW_ACT) == new
    before = legal_reference("interim_reply", on=NEW_ACT - datetime.timedelta(days=1))
    assert before.citation == "forvaltningsloven § 11 a"


def test_every_reference_names_its_public_source_and_period():
    references = list(LegalReference.objects.all())
    assert len(references) >= 16
    for ref in references:
        assert ref.source_url.startswith("https://"), ref.code
        assert ref.valid_from and (ref.valid_to is None or ref.valid_to >= ref.valid_from)
        assert ref.title and ref.text and ref.law
    # The repealed regulation's paragraph is nowhere in the table.
    assert not any(re.search(r"individuell plan\s*§", ref.citation) for ref in references)


def test_plan_health_cites_the_regulation_in_force(client, coordinator, rich_plan):
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[rich_plan.pk])).content.decode()
    assert "forskrift om individuell plan ved ytelse av velferdstjenester" in page
    assert "§ 5" not in page


def test_the_plan_pdf_names_the_regulation_in_force(client, owner, rich_plan):
    client.force_login(owner)
    response = client.get(reverse("plans:pdf", args=[rich_plan.pk]))
    subject = PdfReader(io.BytesIO(response.getvalue())).metadata.get("/Subject", "")
    assert subject == (
        "Individuell plan etter forskrift om individuell plan ved ytelse av velferdstjenester"
    )
