"""Casework fixtures: applications, decisions and the coordinator registry, made through the
services as the coordinating unit would."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from casework.models import Case, ComplaintRule, CoordinatorProfile
from casework.services.cases import case_submit, decision_make
from complaints.models import Complaint
from complaints.services import (
    complaint_file,
    complaint_forward,
    complaint_record_outcome,
    complaint_reject,
    complaint_reverse,
    complaint_start_review,
    complaint_withdraw,
)
from tests.factories import staff

RULES = {
    "pbrl-7-5": ("complaint_deadline", 4, True),
    "fvl-29": ("", 3, False),
}


@pytest.fixture
def rules(db):
    """The complaint rules (a data migration; recreated after a transactional test's flush)."""
    made = {}
    for code, (reference_code, weeks, for_health_rights) in RULES.items():
        made[code], _ = ComplaintRule.objects.get_or_create(
            code=code,
            defaults={
                "reference_code": reference_code,
                "weeks": weeks,
                "for_health_rights": for_health_rights,
                "description": code,
            },
        )
    return made


@pytest.fixture
def rule(rules):
    return rules["pbrl-7-5"]


@pytest.fixture
def trained(coordinator, municipality):
    """Kari is in the registry, trained, and may be barnekoordinator."""
    return CoordinatorProfile.objects.create(
        user=coordinator,
        municipality=municipality,
        trained_on=datetime.date(2025, 3, 14),
        course="Koordinatoropplæring",
        can_be_child_coordinator=True,
    )


@pytest.fixture
def untrained(municipality):
    eva = staff("coordinator", municipality, username="eva", first_name="Eva", last_name="Moen")
    return CoordinatorProfile.objects.create(user=eva, municipality=municipality)


def apply(person, municipality, *, by=None, plan=True, coordinator=True, child=False, **extra):
    by = by or person
    return case_submit(
        person=person,
        municipality=municipality,
        kind=Case.Kind.APPLICATION,
        acting_user=by,
        wants_plan=plan,
        wants_coordinator=coordinator,
        wants_child_coordinator=child,
        needs=extra.pop("needs", "Jeg trenger hjelp fra mange."),
        consent_to_contact=True,
        **extra,
    )


def decide(case, handler, rule, *, plan="granted", coordinator="granted", child="not_asked", **kw):
    return decision_make(
        case=case,
        plan_outcome=plan if case.wants_plan else "not_asked",
        coordinator_outcome=coordinator if case.wants_coordinator else "not_asked",
        child_coordinator_outcome=child,
        facts=kw.pop("facts", "Ingrid får hjemmetjenester, fysioterapi og oppfølging fra NAV."),
        considerations=kw.pop("considerations", "Langvarig behov; tjenestene må ses samlet."),
        complaint_rule=rule,
        acting_user=handler,
        **kw,
    )


@pytest.fixture
def application(owner, municipality):
    """Ingrid applies for an individual plan and a coordinator."""
    return apply(owner, municipality, preferred_coordinator="Kari fra hjemmetjenesten")


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


@pytest.fixture
def partly(application, case_handler, rule):
    """Ingrid's application: IP only partly granted, coordinator granted."""
    return decide(
        application,
        case_handler,
        rule,
        plan="partly",
        coordinator="granted",
        notified_on=timezone.localdate() - datetime.timedelta(days=7),
    )


@pytest.fixture
def complaint(partly, owner):
    return complaint_file(
        case=partly.case,
        decision=partly,
        ground=Complaint.Ground.PARTLY,
        text="Jeg trenger koordinator nå, ikke fra januar.",
        acting_user=owner,
    )


def complaint_act(action, complaint, handler, rule):
    """Take one step of the complaint state machine with minimal valid input."""
    if action == "start_review":
        return complaint_start_review(complaint=complaint, acting_user=handler)
    if action in ("reverse", "partly_reverse"):
        return complaint_reverse(
            complaint=complaint,
            partly=action == "partly_reverse",
            plan_outcome="granted",
            coordinator_outcome="granted",
            child_coordinator_outcome="not_asked",
            facts="f",
            considerations="c",
            complaint_rule=rule,
            acting_user=handler,
        )
    if action == "reject":
        return complaint_reject(complaint=complaint, reason="r", acting_user=handler)
    if action == "forward":
        return complaint_forward(complaint=complaint, assessment="a", acting_user=handler)
    if action == "record_outcome":
        return complaint_record_outcome(
            complaint=complaint,
            outcome="upheld",
            decided_on=timezone.localdate(),
            note="",
            acting_user=handler,
        )
    if action == "withdraw":
        return complaint_withdraw(complaint=complaint, note="n", acting_user=handler)
    raise AssertionError(action)
