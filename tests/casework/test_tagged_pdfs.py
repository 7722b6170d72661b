"""The plan, a decision letter and a complaint's case file are tagged PDF/A-3a: marked content
with a structure tree (headings, paragraphs, tables in reading order) and the document
language, so a screen reader gets the structure and not a flat run of text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from casework.services.letters import letter_open
from complaints.services import (
    case_file_open,
    complaint_file,
    complaint_forward,
    complaint_start_review,
)
from consent.policy import full_read_access
from plans.selectors import plan_overview
from plans.services.goals import goal_create
from plans.services.pdf import render_plan_pdf
from tests.casework.conftest import decide
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _structure_types(node, found: set[str], depth: int = 0) -> set[str]:
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, ArrayObject):
        for item in node:
            _structure_types(item, found, depth + 1)
    elif isinstance(node, DictionaryObject) and depth < 60:
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            _structure_types(node["/K"], found, depth + 1)
    return found


def assert_tagged(pdf: bytes, *, heading: str = "/H1") -> None:
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == "nb"
    types = _structure_types(root["/StructTreeRoot"], set())
    assert heading in types and "/P" in types, types


def test_the_plan_pdf_is_tagged(owner, coordinator, municipality):
    plan = PlanFactory(municipality=municipality, owner=owner, coordinator=coordinator)
    goal_create(plan=plan, title="Klare meg selv om morgenen", acting_user=coordinator)
    assert_tagged(render_plan_pdf(plan_overview(plan, full_read_access(plan)), printed_by="Test"))


def test_a_decision_letter_and_a_case_file_are_tagged(
    application, case_handler, rule, owner, municipality, coordinator
):
    decision = decide(application, case_handler, rule, plan="partly")
    with letter_open(decision.letter) as handle:
        assert_tagged(handle.read())
    complaint = complaint_file(
        case=application, decision=decision, ground="partly", text="Uenig.", acting_user=owner
    )
    complaint_start_review(complaint=complaint, acting_user=case_handler)
    complaint_forward(complaint=complaint, assessment="Forsvarlig.", acting_user=case_handler)
    complaint.refresh_from_db()
    with case_file_open(complaint) as handle:
        assert_tagged(handle.read())
