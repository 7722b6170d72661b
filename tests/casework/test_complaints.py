"""Complaints: filed in the app or registered from paper, with the deadline of the decision's
law; the first instance reverses, rejects or forwards to Statsforvalteren with a case file;
a state machine refuses every illegal step; a double submit cannot make two decisions."""

from __future__ import annotations

import datetime
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from complaints.models import Complaint
from complaints.services import (
    TRANSITIONS,
    case_file_open,
    complaint_file,
    complaint_forward,
    complaint_record_outcome,
    complaint_reject,
    complaint_reverse,
    complaint_start_review,
    complaint_withdraw,
)
from consent.models import AccessLogEntry
from coordination.models import Case, Decision, Letter
from coordination.services.letters import letter_open
from plans.services.goals import goal_create
from tests.casework.conftest import apply, decide
from tests.factories import MunicipalityFactory, PlanFactory, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
Status = Complaint.Status


def _pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


@pytest.fixture
def partly(application, case_handler, rule):
    """Ingrid's application: IP granted, coordinator only partly."""
    return decide(
        application,
        case_handler,
        rule,
        plan="granted",
        coordinator="partly",
        notified_on=TODAY - datetime.timedelta(days=7),
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


# --- Filing -------------------------------------------------------------------------------------


def test_the_person_complains_in_the_app(client, owner, partly):
    client.force_login(owner)
    form = client.get(reverse("complaints:file", args=[partly.case.pk]))
    assert form.context["form"].initial["decision"] == partly.pk  # the newest decision
    response = client.post(
        reverse("complaints:file", args=[partly.case.pk]),
        {"decision": partly.pk, "ground": "partly", "text": "Uenig i datoen."},
    )
    assert response["Location"] == reverse("coordination:my_case", args=[partly.case.pk])
    complaint = Complaint.objects.get()
    assert complaint.channel == "app" and complaint.filed_by == owner
    assert complaint.deadline == TODAY - datetime.timedelta(days=7) + datetime.timedelta(weeks=4)
    assert not complaint.is_late and complaint.status == Status.RECEIVED
    partly.case.refresh_from_db()
    assert partly.case.status == Case.Status.COMPLAINT


def test_a_late_complaint_is_flagged_not_blocked(client, owner, application, case_handler, rule):
    decision = decide(application, case_handler, rule, notified_on=datetime.date(2026, 9, 1))
    client.force_login(owner)
    response = client.post(
        reverse("complaints:file", args=[application.pk]),
        {"decision": decision.pk, "ground": "refused", "text": "For sent, men viktig."},
        follow=True,
    )
    complaint = Complaint.objects.get()
    assert complaint.deadline == datetime.date(2026, 9, 29) and complaint.is_late
    assert "Klagen kom etter fristen" in response.content.decode()


def test_a_complaint_about_a_failure_needs_no_decision(owner, application):
    complaint = complaint_file(
        case=application,
        ground=Complaint.Ground.NOT_INVOLVED,
        text="Jeg blir ikke tatt med i planleggingen.",
        acting_user=owner,
    )
    assert complaint.decision is None and complaint.deadline is None and not complaint.is_late
    application.refresh_from_db()
    assert application.status == Case.Status.RECEIVED  # still in the work queue


def test_a_representative_who_is_not_a_lawyer_needs_a_power_of_attorney(client, owner, partly):
    client.force_login(owner)
    data = {"decision": partly.pk, "ground": "partly", "text": "x", "by_representative": "on"}
    response = client.post(reverse("complaints:file", args=[partly.case.pk]), data)
    assert response.status_code == 400
    assert "skriftlig fullmakt" in response.content.decode()
    assert not Complaint.objects.exists()
    attached = {**data, "power_of_attorney": SimpleUploadedFile("f.pdf", PDF, "application/pdf")}
    client.post(reverse("complaints:file", args=[partly.case.pk]), attached)
    assert Complaint.objects.get().power_of_attorney
    lawyer = {**data, "representative_is_lawyer": "on"}
    client.post(reverse("complaints:file", args=[partly.case.pk]), lawyer)
    assert Complaint.objects.count() == 2


def test_the_database_refuses_a_representative_without_a_power_of_attorney(partly):
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.create(
            case=partly.case,
            ground="partly",
            text="x",
            channel="paper",
            filed_by_name="X",
            by_representative=True,
            received_on=TODAY,
        )


def test_a_case_handler_registers_a_paper_complaint(client, case_handler, partly):
    client.force_login(case_handler)
    received = TODAY - datetime.timedelta(days=2)
    response = client.post(
        reverse("complaints:file", args=[partly.case.pk]),
        {
            "decision": partly.pk,
            "ground": "partly",
            "text": "Skrevet av fra brevet.",
            "filed_by_name": "Ingrid Haugen",
            "received_on": received.isoformat(),
            "scanned_form": SimpleUploadedFile("klage.pdf", PDF, "application/pdf"),
        },
    )
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    assert (complaint.channel, complaint.received_on) == ("paper", received)
    assert complaint.filed_by is None and complaint.scanned_form


def test_strangers_coordinators_and_other_municipalities_cannot_complain(
    client, partly, stranger, coordinator
):
    elsewhere = staff("case_handler", MunicipalityFactory(), username="hilde")
    for user in (stranger, coordinator, elsewhere):
        client.force_login(user)
        assert client.get(reverse("complaints:file", args=[partly.case.pk])).status_code == 404
        response = client.post(
            reverse("complaints:file", args=[partly.case.pk]),
            {"ground": "partly", "text": "x"},
        )
        assert response.status_code == 404
    assert not Complaint.objects.exists()


def test_complaining_about_a_decision_in_another_case_is_refused(
    owner, partly, municipality, case_handler, rule
):
    other = apply(owner, municipality)
    with pytest.raises(ValidationError):
        complaint_file(case=other, decision=partly, ground="partly", text="x", acting_user=owner)


def test_complaints_are_rate_limited(owner, partly):
    for _ in range(10):
        complaint_file(case=partly.case, ground="partly", text="x", acting_user=owner)
    with pytest.raises(PermissionDenied):
        complaint_file(case=partly.case, ground="partly", text="x", acting_user=owner)


# --- The state machine -----------------------------------------------------------------------


def _act(action, complaint, handler, rule):
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
            complaint=complaint, outcome="upheld", decided_on=TODAY, note="", acting_user=handler
        )
    if action == "withdraw":
        return complaint_withdraw(complaint=complaint, note="n", acting_user=handler)
    raise AssertionError(action)


ILLEGAL = [
    (status, action)
    for status in Status.values
    for action, (allowed, _target) in TRANSITIONS.items()
    if status not in allowed
]
LEGAL = [
    (status, action, target)
    for action, (allowed, target) in TRANSITIONS.items()
    for status in allowed
]


def test_the_tables_cover_every_status_and_action():
    assert len(ILLEGAL) + len(LEGAL) == len(Status.values) * len(TRANSITIONS)
    assert len(ILLEGAL) == 46  # 8 statuses x 7 actions, 10 legal pairs


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_illegal_step_is_refused_and_changes_nothing(
    status, action, complaint, case_handler, rule
):
    Complaint.objects.filter(pk=complaint.pk).update(status=status)
    decisions, letters = Decision.objects.count(), Letter.objects.count()
    with pytest.raises(ValidationError) as refused:
        _act(action, complaint, case_handler, rule)
    assert refused.value.code == "illegal"
    complaint.refresh_from_db()
    assert complaint.status == status
    assert (Decision.objects.count(), Letter.objects.count()) == (decisions, letters)


@pytest.mark.parametrize(("status", "action", "target"), LEGAL)
def test_every_legal_step_leads_where_the_table_says(
    status, action, target, complaint, case_handler, rule
):
    Complaint.objects.filter(pk=complaint.pk).update(status=status)
    _act(action, complaint, case_handler, rule)
    complaint.refresh_from_db()
    assert complaint.status == target


def test_an_illegal_step_over_http_is_a_message_not_an_error(client, complaint, case_handler):
    client.force_login(case_handler)
    response = client.post(
        reverse("complaints:outcome", args=[complaint.pk]),
        {"outcome": "upheld", "decided_on": TODAY.isoformat()},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("complaints:detail", args=[complaint.pk]), 302)]
    assert "Klagen er ikke i et trinn der dette kan gjøres." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_only_the_case_handlers_of_the_municipality_act_on_complaints(
    client, complaint, owner, coordinator
):
    elsewhere = staff("case_handler", MunicipalityFactory(), username="hilde")
    for user in (owner, coordinator, elsewhere):
        client.force_login(user)
        assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
        assert (
            client.post(reverse("complaints:start_review", args=[complaint.pk])).status_code == 404
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED
    with pytest.raises(PermissionDenied):
        complaint_start_review(complaint=complaint, acting_user=elsewhere)


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
    _act("partly_reverse", complaint, case_handler, rule)
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
        text = _pdf_text(handle.read())
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
        text = _pdf_text(handle.read())
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
