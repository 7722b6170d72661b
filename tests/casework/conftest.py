"""Casework fixtures: applications, decisions and the coordinator registry, made through the
services as the coordinating unit would."""

from __future__ import annotations

import datetime

import pytest

from coordination.models import Case, ComplaintRule, CoordinatorProfile
from coordination.services.cases import case_submit, decision_make
from tests.factories import staff

RULES = {
    "pbrl-7-5": ("pasient- og brukerrettighetsloven § 7-5", 4),
    "fvl-29": ("forvaltningsloven § 29", 3),
}


@pytest.fixture
def rules(db):
    """The complaint rules (a data migration; recreated after a transactional test's flush)."""
    made = {}
    for code, (law, weeks) in RULES.items():
        made[code], _ = ComplaintRule.objects.get_or_create(
            code=code, defaults={"law": law, "weeks": weeks, "description": law}
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
