"""Complaints from receipt to the end: a state machine that refuses illegal steps.

received -> under review -> reversed / partly reversed (a new decision, itself appealable)
                         -> rejected (avvist, with a letter that is itself appealable)
                         -> forwarded to Statsforvalteren (letter + case file) -> closed
"""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from casework.archive import case_file_archive
from casework.deadlines import complaint_deadline
from casework.models import Case, ComplaintRule, Decision, Letter
from casework.services.cases import decision_make, require_handler
from casework.services.letters import case_log, letter_create
from complaints.models import Complaint
from consent.models import AccessLogEntry
from consent.policy import PlanAccess, case_access, full_read_access
from consent.services.access_log import access_log_write
from ipplan import ratelimit
from ipplan.files import private_storage, stored_upload
from ipplan.pdf import render_pdf
from plans.sections import OVERVIEW
from plans.selectors import plan_overview

Status = Complaint.Status

ILLEGAL = _("Klagen er ikke i et trinn der dette kan gjøres.")
NOT_YOURS = _("Du kan bare klage i dine egne saker eller saker du er foresatt eller verge i.")
POWER_OF_ATTORNEY_NEEDED = _(
    "En representant som ikke er advokat, må legge ved skriftlig fullmakt."
)
DECISION_ELSEWHERE = _("Vedtaket hører til en annen sak.")

# action -> the statuses it may be taken from, and the status it leads to
TRANSITIONS = {
    "start_review": ({Status.RECEIVED}, Status.UNDER_REVIEW),
    "reverse": ({Status.UNDER_REVIEW}, Status.REVERSED),
    "partly_reverse": ({Status.UNDER_REVIEW}, Status.PARTLY_REVERSED),
    "reject": ({Status.UNDER_REVIEW}, Status.REJECTED),
    # After a partial reversal the rest of the complaint goes on to Statsforvalteren unless
    # the complainant withdraws it.
    "forward": ({Status.UNDER_REVIEW, Status.PARTLY_REVERSED}, Status.FORWARDED),
    "record_outcome": ({Status.FORWARDED}, Status.CLOSED),
    "withdraw": ({Status.RECEIVED, Status.UNDER_REVIEW, Status.PARTLY_REVERSED}, Status.WITHDRAWN),
}


def _lock(complaint: Complaint, action: str) -> Complaint:
    complaint = Complaint.objects.select_for_update().select_related("case").get(pk=complaint.pk)
    allowed_from, _target = TRANSITIONS[action]
    if complaint.status not in allowed_from:
        raise ValidationError(ILLEGAL, code="illegal")
    return complaint


def _move(complaint: Complaint, action: str) -> None:
    complaint.status = TRANSITIONS[action][1]


def _case_back_to_decided(complaint: Complaint) -> None:
    """When the last open complaint in a case ends, the case leaves the complaint step."""
    if not Complaint.objects.filter(case_id=complaint.case_id, closed_at__isnull=True).exists():
        Case.objects.filter(pk=complaint.case_id, status=Case.Status.COMPLAINT).update(
            status=Case.Status.DECIDED
        )


def _deadline_facts(decision: Decision | None, received_on: datetime.date):
    if decision is None:
        return None, False
    deadline = decision.complaint_deadline
    return deadline, received_on > deadline


def _check_representative(by_representative, is_lawyer, power_of_attorney) -> None:
    if by_representative and not is_lawyer and power_of_attorney is None:
        raise ValidationError({"power_of_attorney": POWER_OF_ATTORNEY_NEEDED})


@transaction.atomic
def complaint_file(
    *,
    case: Case,
    ground: str,
    text: str,
    acting_user,
    decision: Decision | None = None,
    by_representative: bool = False,
    representative_is_lawyer: bool = False,
    power_of_attorney=None,
    channel: str = Complaint.Channel.APP,
    received_on=None,
    filed_by_name: str = "",
    scanned_form=None,
) -> Complaint:
    """Filed by the person (or whoever acts for them, or a representative with a power of
    attorney) in ipplan, or registered from paper by a case handler. A late complaint is
    flagged, not blocked: it may still be considered."""
    access = case_access(
        acting_user, municipality_id=case.municipality_id, person_id=case.person_id
    )
    if channel == Complaint.Channel.PAPER:
        require_handler(acting_user, case)
    elif not access.is_person_side and not by_representative:
        raise PermissionDenied(NOT_YOURS)
    if decision is not None and decision.case_id != case.pk:
        raise ValidationError(DECISION_ELSEWHERE)
    _check_representative(by_representative, representative_is_lawyer, power_of_attorney)
    if channel == Complaint.Channel.APP:
        ratelimit.hit("complaint", acting_user.pk)
    received_on = received_on or timezone.localdate()
    deadline, late = _deadline_facts(decision, received_on)
    with (
        stored_upload(power_of_attorney, folder="complaints") as attorney,
        stored_upload(scanned_form, folder="complaints") as scan,
    ):
        complaint = Complaint.objects.create(
            case=case,
            decision=decision,
            ground=ground,
            text=text,
            channel=channel,
            filed_by=acting_user if channel == Complaint.Channel.APP else None,
            filed_by_name=filed_by_name or acting_user.display_name,
            by_representative=by_representative,
            representative_is_lawyer=representative_is_lawyer,
            power_of_attorney=attorney.storage_name if attorney else "",
            scanned_form=scan.storage_name if scan else "",
            received_on=received_on,
            deadline=deadline,
            is_late=late,
        )
    # A complaint about a decided case puts it in the complaint step; a complaint while the
    # case is still being handled (e.g. about not taking part) leaves it in the work queue.
    Case.objects.filter(pk=case.pk, status__in=[Case.Status.DECIDED, Case.Status.CLOSED]).update(
        status=Case.Status.COMPLAINT
    )
    case_log(case, acting_user, "create", _("Klage"))
    return complaint


@transaction.atomic
def complaint_start_review(*, complaint: Complaint, acting_user) -> Complaint:
    require_handler(acting_user, complaint.case)
    complaint = _lock(complaint, "start_review")
    _move(complaint, "start_review")
    complaint.review_started_at, complaint.reviewed_by = timezone.now(), acting_user
    complaint.save(update_fields=["status", "review_started_at", "reviewed_by"])
    case_log(complaint.case, acting_user, "update", _("Klagebehandling startet"))
    return complaint


@transaction.atomic
def complaint_reverse(
    *,
    complaint: Complaint,
    partly: bool,
    plan_outcome: str,
    coordinator_outcome: str,
    child_coordinator_outcome: str,
    facts: str,
    considerations: str,
    complaint_rule: ComplaintRule,
    acting_user,
    notified_on: datetime.date | None = None,
) -> Decision:
    """The first instance gives the complainant what they asked for, fully or in part: a new
    decision with its own letter and its own right to complain."""
    require_handler(acting_user, complaint.case)
    action = "partly_reverse" if partly else "reverse"
    complaint = _lock(complaint, action)
    decision = decision_make(
        case=complaint.case,
        plan_outcome=plan_outcome,
        coordinator_outcome=coordinator_outcome,
        child_coordinator_outcome=child_coordinator_outcome,
        facts=facts,
        considerations=considerations,
        complaint_rule=complaint_rule,
        acting_user=acting_user,
        notified_on=notified_on,
        kind=Decision.Kind.AFTER_COMPLAINT,
    )
    _move(complaint, action)
    complaint.new_decision, complaint.reviewed_at = decision, timezone.now()
    # Fully reversed ends the complaint; partly reversed waits for forwarding or withdrawal.
    complaint.review_reason = considerations
    complaint.closed_at = None if partly else timezone.now()
    complaint.save(
        update_fields=["status", "new_decision", "reviewed_at", "review_reason", "closed_at"]
    )
    return decision


@transaction.atomic
def complaint_reject(*, complaint: Complaint, reason: str, acting_user) -> Letter:
    """Avvisning (e.g. no standing): a letter with the reason, itself open to complaint."""
    require_handler(acting_user, complaint.case)
    complaint = _lock(complaint, "reject")
    # A complaint that a right was not fulfilled has no decision: the rights act's own rule.
    rule = (
        complaint.decision.complaint_rule
        if complaint.decision
        else ComplaintRule.objects.filter(for_health_rights=True).order_by("code").first()
    )
    today = timezone.localdate()
    letter = letter_create(
        case=complaint.case,
        kind=Letter.Kind.COMPLAINT_REJECTED,
        title=_("Klagen din er avvist"),
        template="complaints/letters/rejected.html",
        context={
            "complaint": complaint,
            "reason": reason,
            "rule": rule,
            "deadline": complaint_deadline(today, rule.weeks),
        },
        law_codes=("complaint_rejection", "documents_access", rule.reference_code),
        acting_user=acting_user,
    )
    _move(complaint, "reject")
    complaint.review_reason, complaint.reviewed_at = reason, timezone.now()
    complaint.closed_at = timezone.now()
    complaint.save(update_fields=["status", "review_reason", "reviewed_at", "closed_at"])
    _case_back_to_decided(complaint)
    return letter


@transaction.atomic
def complaint_forward(*, complaint: Complaint, assessment: str, acting_user) -> Letter:
    """The first instance upholds its decision: the forwarding letter (to Statsforvalteren,
    copy to the person) and the case file with the current plan, the decision, the complaint
    and the assessment."""
    require_handler(acting_user, complaint.case)
    complaint = _lock(complaint, "forward")
    case = complaint.case
    plan = case.person.owned_plans.exclude(status="closed").first()
    # The person's side (a child's parents) can open the case file: nothing withheld from them.
    access = full_read_access(plan, hides_withheld=True) if plan else None
    overview = plan_overview(plan, access, notes_limit=None) if plan else None
    with translation.override(settings.LANGUAGE_CODE):  # official language, like letters
        pdf = render_pdf(
            "complaints/case_file.html",
            {
                "case": case,
                "complaint": complaint,
                "assessment": assessment,
                "overview": overview,
                "plan": plan,
                "municipality": case.municipality,
                "today": timezone.localdate(),
                "decisions": list(case.decisions.all()),
            },
        )
    name = private_storage().save(f"case-files/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    if plan is not None:
        # The owner sees in their access log that the plan went to Statsforvalteren.
        access_log_write(
            access=PlanAccess(plan=plan, role=AccessLogEntry.ActorRole.CASE_HANDLER),
            actor=acting_user,
            action=AccessLogEntry.Action.EXPORT,
            section=OVERVIEW,
            sections=[OVERVIEW, *overview.sections_shown],
        )
    letter = letter_create(
        case=case,
        kind=Letter.Kind.FORWARDED,
        title=_("Klagen din er sendt til Statsforvalteren"),
        template="complaints/letters/forwarded.html",
        context={"complaint": complaint, "assessment": assessment},
        law_codes=("complaint", "documents_access"),
        acting_user=acting_user,
    )
    _move(complaint, "forward")
    complaint.review_reason, complaint.reviewed_at = assessment, timezone.now()
    complaint.forwarded_at, complaint.forwarding_letter = timezone.now(), letter
    complaint.case_file, complaint.case_file_sha256 = name, hashlib.sha256(pdf).hexdigest()
    case_file_archive(
        case=case,
        complaint_id=complaint.pk,
        storage_name=name,
        sha256=complaint.case_file_sha256,
        size=len(pdf),
        acting_user=acting_user,
    )
    complaint.save(
        update_fields=[
            "status",
            "review_reason",
            "reviewed_at",
            "forwarded_at",
            "forwarding_letter",
            "case_file",
            "case_file_sha256",
        ]
    )
    return letter


@transaction.atomic
def complaint_record_outcome(
    *, complaint: Complaint, outcome: str, decided_on: datetime.date, note: str, acting_user
) -> Complaint:
    """Statsforvalteren's outcome. Returned for new handling reopens the case."""
    require_handler(acting_user, complaint.case)
    complaint = _lock(complaint, "record_outcome")
    if outcome not in Complaint.SfOutcome.values:
        raise ValidationError({"outcome": _("Velg Statsforvalterens avgjørelse.")})
    _move(complaint, "record_outcome")
    complaint.sf_outcome, complaint.sf_decided_on, complaint.sf_note = outcome, decided_on, note
    complaint.closed_at = timezone.now()
    complaint.save(update_fields=["status", "sf_outcome", "sf_decided_on", "sf_note", "closed_at"])
    if outcome == Complaint.SfOutcome.RETURNED:
        # Sent back for new handling: the case goes back into the work queue.
        Case.objects.filter(pk=complaint.case_id).update(status=Case.Status.ASSESSING)
    else:
        _case_back_to_decided(complaint)
    case_log(complaint.case, acting_user, "update", _("Statsforvalterens avgjørelse registrert"))
    return complaint


@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, note: str, acting_user) -> Complaint:
    """The complainant withdraws the complaint (told the unit in writing or by phone)."""
    require_handler(acting_user, complaint.case)
    complaint = _lock(complaint, "withdraw")
    _move(complaint, "withdraw")
    complaint.review_reason, complaint.closed_at = note, timezone.now()
    complaint.save(update_fields=["status", "review_reason", "closed_at"])
    _case_back_to_decided(complaint)
    case_log(complaint.case, acting_user, "update", _("Klagen er trukket"))
    return complaint


def case_file_open(complaint: Complaint):
    return private_storage().open(complaint.case_file, "rb")
