"""Complaints: filed in the app or registered from paper, with the deadline of the decision's
law; the first instance reverses, rejects or forwards to Statsforvalteren with a case file;
a state machine refuses every illegal step; a double submit cannot make two decisions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casework.models import Case, Decision, Letter
from complaints.models import Complaint
from complaints.services import (
    TRANSITIONS,
    complaint_file,
    complaint_start_review,
)
from tests.casework.conftest import apply, complaint_act, decide
from tests.factories import MunicipalityFactory, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
Status = Complaint.Status


# --- Filing -------------------------------------------------------------------------------------


def test_the_person_complains_in_the_app(client, owner, partly):
    client.force_login(owner)
    form = client.get(reverse("complaints:file", args=[partly.case.pk]))
    assert form.context["form"].initial["decision"] == partly.pk  # the newest decision
    response = client.post(
        reverse("complaints:file", args=[partly.case.pk]),
        {"decision": partly.pk, "ground": "partly", "text": "Uenig i datoen."},
    )
    assert response["Location"] == reverse("casework:my_case", args=[partly.case.pk])
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
        complaint_act(action, complaint, case_handler, rule)
    assert refused.value.code == "illegal"
    complaint.refresh_from_db()
    assert complaint.status == status
    assert (Decision.objects.count(), Letter.objects.count()) == (decisions, letters)


@pytest.mark.parametrize(("status", "action", "target"), LEGAL)
def test_every_legal_step_leads_where_the_table_says(
    status, action, target, complaint, case_handler, rule
):
    Complaint.objects.filter(pk=complaint.pk).update(status=status)
    complaint_act(action, complaint, case_handler, rule)
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
