"""Each right has its own test and its own rules (issue 11): the coordinator's wider test, the
barnekoordinator's own criteria, no "partly granted" for a right that is had or not, and a
letter that keeps the references in force on its day when the law changes later."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.forms import DecisionForm
from casework.models import Assessment, Decision, Letter
from casework.selectors import complaint_rules_for_decisions
from casework.services.cases import PARTLY_NOT_FOR, interim_reply_send
from casework.services.letters import letter_open
from plans.law import legal_reference
from tests.casework.conftest import apply, decide, pdf_text
from tests.plans.test_legal_references import NEW_ACT, renumber_interim_reply

pytestmark = pytest.mark.django_db


def letter_text(letter: Letter) -> str:
    with letter_open(letter) as handle:
        return pdf_text(handle.read())


def checklist(**ticked) -> Assessment:
    return Assessment(**ticked)


def test_complex_needs_give_a_coordinator_but_not_a_plan():
    a = checklist(complex_needs=True, two_or_more_services=True, seen_together=True)
    assert a.right_to_coordinator and not a.right_to_plan


def test_long_term_coordinated_needs_give_both():
    a = checklist(long_term=True, two_or_more_services=True, seen_together=True)
    assert a.right_to_coordinator and a.right_to_plan


def test_the_barnekoordinator_has_its_own_criteria_not_the_plans():
    family = {
        "child_under_18": True,
        "serious_condition": True,
        "long_term": True,
        "health_and_welfare": True,
        "parents_want_it": True,
    }
    # No IP test: the services need not be ticked as "seen together" for the family's right.
    assert checklist(**family).right_to_child_coordinator
    assert not checklist(**family).right_to_plan
    assert not checklist(**{**family, "health_and_welfare": False}).right_to_child_coordinator
    assert not checklist(**{**family, "serious_condition": False}).right_to_child_coordinator


def test_the_assessment_page_names_each_rights_rule(client, case_handler, application):
    client.force_login(case_handler)
    page = client.get(reverse("casework:assessment", args=[application.pk])).content.decode()
    assert "komplekse eller langvarige og koordinerte tjenester" in page
    assert "pasient- og brukerrettighetsloven § 2-5 b" in page
    assert "pasient- og brukerrettighetsloven § 2-5 c" in page
    assert "§§ 7-1 og 7-2" not in page


def test_a_barnekoordinator_cannot_be_granted_partly(
    child, guardian, municipality, case_handler, rule
):
    case = apply(child, municipality, by=guardian, coordinator=False, child=True)
    with pytest.raises(ValidationError) as refused:
        decide(case, case_handler, rule, child="partly")
    assert refused.value.messages == [str(PARTLY_NOT_FOR)]
    assert not Decision.objects.exists() and not Letter.objects.exists()
    case.refresh_from_db()
    assert case.is_open


def test_the_decision_form_offers_partly_only_for_the_plan(application, rules):
    form = DecisionForm(case=application, rules=complaint_rules_for_decisions())
    assert "partly" in dict(form.fields["plan_outcome"].choices)
    assert "partly" not in dict(form.fields["coordinator_outcome"].choices)
    assert list(form.fields["complaint_rule"].queryset) == [rules["pbrl-7-5"]]


def test_a_barnekoordinator_letter_cites_its_own_right_and_lasts(
    child, guardian, municipality, case_handler, rule
):
    case = apply(child, municipality, by=guardian, coordinator=False, child=True)
    decision = decide(case, case_handler, rule, child="granted")
    text = letter_text(decision.letter)
    assert "brukerrettighetsloven § 2-5 c og helse- og omsorgstjenesteloven § 7-2 a" in text
    assert "så lenge vilkårene er oppfylt" in text
    assert "ett år" not in text


def test_a_letter_keeps_the_law_of_its_day_when_the_law_changes(
    application, case_handler, time_machine
):
    time_machine.move_to(datetime.datetime(2029, 12, 20, 12, tzinfo=datetime.UTC))
    application.__class__.objects.filter(pk=application.pk).update(
        received_on=datetime.date(2029, 11, 1)
    )
    before = interim_reply_send(
        case=application,
        expected_by=datetime.date(2030, 2, 1),
        reason="Vi venter på opplysninger.",
        acting_user=case_handler,
    )
    renumber_interim_reply()
    time_machine.move_to(datetime.datetime(2030, 1, 10, 12, tzinfo=datetime.UTC))
    after = interim_reply_send(
        case=application,
        expected_by=datetime.date(2030, 2, 1),
        reason="Vi venter fortsatt.",
        acting_user=case_handler,
    )
    assert [r.citation for r in before.legal_references.all()] == ["forvaltningsloven § 11 a"]
    assert [r.citation for r in after.legal_references.all()] == ["forvaltningsloven § 99"]
    assert "etter forvaltningsloven § 11 a." in letter_text(before)
    assert "etter forvaltningsloven § 99." in letter_text(after)
    assert legal_reference("interim_reply", on=NEW_ACT).section == "§ 99"
