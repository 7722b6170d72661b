"""Complaints at the first instance: reversing (a new appealable decision), rejecting, forwarding
to Statsforvalteren with a case file, Statsforvalteren's outcome, withdrawal; and a double
submit that cannot make two decisions."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from casework.models import Case, Decision, Letter
from casework.services.letters import letter_open
from complaints.models import Complaint
from complaints.services import (
    case_file_open,
    complaint_forward,
    complaint_record_outcome,
    complaint_reject,
    complaint_start_review,
    complaint_withdraw,
)
from consent.models import AccessLogEntry
from plans.services.goals import goal_create
from tests.casework.conftest import apply, complaint_act, decide, pdf_text
from tests.factories import PlanFactory, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
Status = Complaint.Status


# --- First instance -----------------------------------------------------------------------------


def test_reversing_makes_a_new_appealable_decision_with_a_letter(
    client, complaint, case_handler, rule
):
    complaint_start_review(complaint=complaint, acting_user=case_handler)
    client.force_login(case_handler)
    response = client.post(
        reverse("complaints:reverse", args=[complaint.pk]),
        {
            "plan_outcome": "granted",
            "coordinator_outcome": "granted",
            "child_coordinator_outcome": "not_asked",
            "facts": "Ny vurdering",
            "considerations": "Koordinator fra i dag.",
            "complaint_rule": rule.pk,
            "notified_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    new = complaint.new_decision
    assert complaint.status == Status.REVERSED and complaint.closed_at is not None
    assert new.kind == Decision.Kind.AFTER_COMPLAINT and new.letter is not None
    assert complaint.case.decisions.count() == 2


def test_a_partly_reversed_complaint_goes_on_to_statsforvalteren(complaint, case_handler, rule):
    complaint_start_review(complaint=complaint, acting_user=case_handler)
    complaint_act("partly_reverse", complaint, case_handler, rule)
    complaint.refresh_from_db()
    assert complaint.status == Status.PARTLY_REVERSED and complaint.closed_at is None
    complaint_forward(
        complaint=complaint, assessment="Resten opprettholdes.", acting_user=case_handler
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.FORWARDED


def test_rejecting_sends_a_letter_with_the_reason_and_a_new_deadline(complaint, case_handler):
    complaint_start_review(complaint=complaint, acting_user=case_handler)
    letter = complaint_reject(
        complaint=complaint, reason="Klagen gjelder ikke et vedtak.", acting_user=case_handler
    )
    with letter_open(letter) as handle:
        text = pdf_text(handle.read())
    assert "Klagen gjelder ikke et vedtak." in text and "klage" in text.lower()
    complaint.case.refresh_from_db()
    assert complaint.case.status == Case.Status.DECIDED


def test_forwarding_makes_the_letter_and_a_case_file_with_the_plan(
    client,
    complaint,
    case_handler,
    owner,
    coordinator,
    municipality,
    django_capture_on_commit_callbacks,
):
    decision = complaint.decision
    plan_owner = decision.case.person
    plan = PlanFactory(municipality=municipality, owner=plan_owner, coordinator=coordinator)
    goal_create(plan=plan, title="Klare meg selv om morgenen", acting_user=coordinator)
    complaint_start_review(complaint=complaint, acting_user=case_handler)
    with django_capture_on_commit_callbacks(execute=True):
        letter = complaint_forward(
            complaint=complaint,
            assessment="Kommunen mener koordinator fra januar er forsvarlig.",
            acting_user=case_handler,
        )
    complaint.refresh_from_db()
    assert letter.kind == Letter.Kind.FORWARDED and complaint.forwarding_letter == letter
    with case_file_open(complaint) as handle:
        text = pdf_text(handle.read())
    for expected in (
        "Jeg trenger koordinator nå, ikke fra januar.",  # the complaint
        "Kommunen mener koordinator fra januar er forsvarlig.",  # the assessment
        decision.facts,  # the decision
        decision.legal_basis.split(" og ")[0],
        "Klare meg selv om morgenen",  # the current plan
        complaint.case.number,
    ):
        assert expected in text, expected
    # The owner sees that their plan was sent on.
    assert AccessLogEntry.objects.filter(
        plan=plan, actor=case_handler, action=AccessLogEntry.Action.EXPORT
    ).exists()
    client.force_login(case_handler)
    download = client.get(reverse("complaints:case_file", args=[complaint.pk]))
    assert download.status_code == 200
    client.force_login(owner)
    assert client.get(reverse("complaints:case_file", args=[complaint.pk])).status_code == 404
    assert owner.outbox.filter(kind="letter").count() == 2  # the decision and the forwarding


def test_statsforvalteren_returning_the_case_reopens_it(complaint, case_handler):
    complaint_start_review(complaint=complaint, acting_user=case_handler)
    complaint_forward(complaint=complaint, assessment="a", acting_user=case_handler)
    complaint_record_outcome(
        complaint=complaint,
        outcome=Complaint.SfOutcome.RETURNED,
        decided_on=TODAY,
        note="Mangelfull utredning.",
        acting_user=case_handler,
    )
    complaint.case.refresh_from_db()
    assert complaint.case.status == Case.Status.ASSESSING
    assert complaint.case.is_open


def test_statsforvalteren_upholding_ends_the_complaint(complaint, case_handler):
    complaint_start_review(complaint=complaint, acting_user=case_handler)
    complaint_forward(complaint=complaint, assessment="a", acting_user=case_handler)
    complaint_record_outcome(
        complaint=complaint, outcome="upheld", decided_on=TODAY, note="", acting_user=case_handler
    )
    complaint.refresh_from_db()
    complaint.case.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.sf_outcome == "upheld"
    assert complaint.case.status == Case.Status.DECIDED


def test_a_withdrawn_complaint_ends_without_a_letter(complaint, case_handler):
    letters = Letter.objects.count()
    complaint_withdraw(complaint=complaint, note="Skriftlig 12. mai", acting_user=case_handler)
    complaint.refresh_from_db()
    assert complaint.status == Status.WITHDRAWN and Letter.objects.count() == letters


def test_an_empty_action_form_changes_nothing(client, complaint, case_handler):
    complaint_start_review(complaint=complaint, acting_user=case_handler)
    client.force_login(case_handler)
    for name in ("reverse", "reject", "forward", "withdraw"):
        response = client.post(reverse(f"complaints:{name}", args=[complaint.pk]), {})
        assert response.status_code == 400, name
        assert 'class="ds-error-summary"' in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.UNDER_REVIEW


def test_the_complaint_list_shows_only_the_municipalitys_complaints(
    client, complaint, case_handler, other_municipality
):
    client.force_login(case_handler)
    assert list(client.get(reverse("complaints:list")).context["page_obj"]) == [complaint]
    hilde = staff("case_handler", other_municipality, username="hilde")
    client.force_login(hilde)
    assert list(client.get(reverse("complaints:list")).context["page_obj"]) == []


# --- A double submit makes one decision ------------------------------------------------------


def test_the_database_allows_one_first_decision_per_case(partly, case_handler, rule):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            case=partly.case,
            plan_outcome="granted",
            coordinator_outcome="granted",
            facts="f",
            considerations="c",
            legal_basis="b",
            complaint_rule=rule,
            decided_by=case_handler,
            notified_on=TODAY,
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_handlers_deciding_at_once_make_exactly_one_decision(
    owner, municipality, case_handler, rules
):
    case = apply(owner, municipality)
    rule = rules["pbrl-7-5"]
    barrier = threading.Barrier(4)
    outcomes = []

    def submit():
        barrier.wait()
        try:
            decide(case, case_handler, rule)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["decided", "decided", "decided", "ok"]
    assert Decision.objects.filter(case=case).count() == 1
    assert Letter.objects.filter(case=case, kind="decision").count() == 1
