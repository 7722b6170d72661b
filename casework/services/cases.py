"""The coordinating unit's casework: applications and referrals, assessment, interim replies,
decisions with their letters, appointment of a coordinator and the draft plan."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, StaffMembership
from casework.models import Assessment, Case, ComplaintRule, CoordinatorProfile, Decision, Letter
from casework.selectors import decision_grounds_text
from casework.services.letters import case_log, letter_create, letter_preview
from consent.policy import holds_role, may_decide_for
from ipplan import ratelimit
from ipplan.files import stored_upload
from plans.access import plan_access
from plans.kinds import COORDINATION, INDIVIDUAL_PLAN, RELAY_LOG
from plans.law import legal_references
from plans.models import Plan
from plans.services.conversion import plan_convert_by_decision
from plans.services.family import family_create
from plans.services.lifecycle import plan_create
from plans.services.relay import relay_log_continue_on_decision

Role = StaffMembership.Role
Outcome = Decision.Outcome

ASK_FOR_SOMETHING = _("Kryss av for hva det søkes om.")
CHILD_COORDINATOR_FOR_CHILDREN = _("Barnekoordinator gjelder barn under 18 år.")
NOT_YOUR_CASE = _("Du kan ikke sende søknad for denne personen.")
REFERRAL_NEEDS_CONSENT = _(
    "En melding om behov kan bare sendes når personen (eller den som samtykker for personen) "
    "har samtykket. Skriv hvordan samtykket er gitt."
)
REFERRAL_FROM = _("En melding om behov sendes av en pårørende eller en fagperson.")
ONLY_HANDLERS = _("Bare saksbehandlere i koordinerende enhet kan gjøre dette.")
NOT_A_HANDLER = _("Saken kan bare tildeles en saksbehandler i samme kommune.")
CASE_NOT_OPEN = _("Saken er ikke lenger til behandling.")
ALREADY_DECIDED = _("Det er allerede fattet vedtak i saken.")
OUTCOME_FOR_EACH_REQUEST = _("Ta stilling til alt det er søkt om, og bare det.")
NOT_A_REGISTERED_COORDINATOR = _("Velg en koordinator fra koordinatorregisteret i kommunen.")
UNTRAINED_NEEDS_REASON = _(
    "Koordinatoren har ikke registrert opplæring. Skriv hvorfor hun eller han likevel oppnevnes."
)
NOT_CHILD_COORDINATOR_NEEDS_REASON = _(
    "Koordinatoren er ikke registrert som barnekoordinator. Skriv hvorfor hun eller han "
    "likevel oppnevnes."
)
CHANGE_IS_A_HANDOVER = _(
    "Koordinatoren er oppnevnt og planen er opprettet. Bytte av koordinator gjøres som "
    "overlevering i planen."
)
NOTHING_TO_APPOINT = _("Vedtaket gir ikke koordinator eller individuell plan.")
INTERIM_DATE_PASSED = _("Datoen for når vedtaket ventes må være fram i tid.")

PARTLY_NOT_FOR = _(
    "Koordinator og barnekoordinator kan ikke innvilges delvis: enten har personen (familien) "
    "retten, eller så har de den ikke. Barnekoordinator gjelder så lenge vilkårene er oppfylt."
)
RULE_NOT_FOR_THESE_RIGHTS = _(
    "Denne klagefristen gjelder ikke vedtak om individuell plan, koordinator eller "
    "barnekoordinator. Velg klagereglene i pasient- og brukerrettighetsloven."
)

# The legal references (plans/law.py) each right is decided under: the right, the
# municipality's duty and, where there is one, the regulation that fills it in.
LEGAL_BASIS = {
    "plan": ("right_to_plan", "duty_plan", "ip_content"),
    "coordinator": ("right_to_coordinator", "duty_coordinator", "coordinator_regulation"),
    "child_coordinator": ("right_to_child_coordinator", "duty_child_coordinator", None),
}
# What every decision letter cites besides the rights decided.
DECISION_LETTER_LAW = ("fvl_not_applicable", "complaint", "documents_access")
# Rights that are had or not had: "partly granted" makes no legal sense for them.
NO_PARTLY = ("coordinator", "child_coordinator")


def require_handler(user, case_or_municipality_id) -> None:
    municipality_id = getattr(case_or_municipality_id, "municipality_id", case_or_municipality_id)
    if not holds_role(user, Role.CASE_HANDLER, municipality_id):
        raise PermissionDenied(ONLY_HANDLERS)


def _next_number(municipality: Municipality, year: int) -> str:
    """Case numbers run per municipality and year; the municipality row is locked while the
    next one is taken, so two submissions at once get different numbers."""
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    prefix = f"{year}/"
    last = (
        Case.objects.filter(municipality=municipality, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.split("/")[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _check_request(person, wants_plan, wants_coordinator, wants_child_coordinator, day):
    if not (wants_plan or wants_coordinator or wants_child_coordinator):
        raise ValidationError(ASK_FOR_SOMETHING, code="nothing")
    age = person.age_on(day)
    if wants_child_coordinator and age is not None and age >= 18:
        raise ValidationError(CHILD_COORDINATOR_FOR_CHILDREN, code="not_a_child")


@transaction.atomic
def case_submit(
    *,
    person,
    municipality: Municipality,
    kind: str,
    acting_user,
    submitter_role: str | None = None,
    wants_plan: bool,
    wants_coordinator: bool,
    wants_child_coordinator: bool,
    needs: str,
    current_services: str = "",
    preferred_coordinator: str = "",
    consent_to_contact: bool = False,
    consent_note: str = "",
    received_on=None,
    scanned_form=None,
) -> Case:
    """An application (the person, or a parent or verge for them), a referral (a relative or a
    professional, with the person's consent), or a paper application registered by KE.
    Who submitted follows from the kind, except for a referral (a relative or a professional)."""
    today = timezone.localdate()
    if kind == Case.Kind.APPLICATION:
        if not may_decide_for(acting_user, person) and person.pk != acting_user.pk:
            raise PermissionDenied(NOT_YOUR_CASE)
        submitter_role = (
            Case.SubmitterRole.SELF if person.pk == acting_user.pk else Case.SubmitterRole.GUARDIAN
        )
    elif kind == Case.Kind.REFERRAL:
        if not (consent_to_contact and consent_note.strip()):
            raise ValidationError(REFERRAL_NEEDS_CONSENT, code="consent")
        if submitter_role not in (Case.SubmitterRole.RELATIVE, Case.SubmitterRole.PROFESSIONAL):
            raise ValidationError(REFERRAL_FROM, code="role")
    elif kind == Case.Kind.PAPER:
        require_handler(acting_user, municipality.pk)
        submitter_role = Case.SubmitterRole.CASE_HANDLER
    _check_request(person, wants_plan, wants_coordinator, wants_child_coordinator, today)
    if kind != Case.Kind.PAPER:
        ratelimit.hit("case", acting_user.pk)
    with stored_upload(scanned_form, folder="cases") as stored:
        case = Case.objects.create(
            municipality=municipality,
            number=_next_number(municipality, today.year),
            person=person,
            kind=kind,
            received_on=received_on or today,
            submitted_by=acting_user,
            submitter_role=submitter_role,
            submitter_name=acting_user.display_name,
            wants_plan=wants_plan,
            wants_coordinator=wants_coordinator,
            wants_child_coordinator=wants_child_coordinator,
            needs=needs,
            current_services=current_services,
            preferred_coordinator=preferred_coordinator,
            consent_to_contact=consent_to_contact,
            consent_note=consent_note,
            scanned_form=stored.storage_name if stored else "",
        )
        case_log(case, acting_user, "create", Case.Kind(kind).label)
    return case


@transaction.atomic
def case_assign(*, case: Case, to_user, acting_user) -> Case:
    require_handler(acting_user, case)
    if not holds_role(to_user, Role.CASE_HANDLER, case.municipality_id):
        raise ValidationError(NOT_A_HANDLER, code="not_handler")
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.assigned_to = to_user
    if case.status == Case.Status.RECEIVED:
        case.status = Case.Status.ASSESSING
    case.version = F("version") + 1
    case.save(update_fields=["assigned_to", "status", "version"])
    case.refresh_from_db()
    case_log(case, acting_user, "update", _("Tildelt saksbehandler"), to_user.display_name)
    return case


@transaction.atomic
def assessment_save(*, case: Case, acting_user, **checks) -> Assessment:
    require_handler(acting_user, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(CASE_NOT_OPEN, code="closed")
    assessment, created = Assessment.objects.get_or_create(
        case=case, defaults={**checks, "assessed_by": acting_user}
    )
    if not created:
        for name, value in checks.items():
            setattr(assessment, name, value)
        assessment.assessed_by = acting_user
        assessment.version += 1
        assessment.save()
    if case.status == Case.Status.RECEIVED:
        case.status = Case.Status.ASSESSING
        case.save(update_fields=["status"])
    case_log(case, acting_user, "update", _("Vurdering"))
    return assessment


@transaction.atomic
def interim_reply_send(
    *, case: Case, expected_by: datetime.date, reason: str, acting_user
) -> Letter:
    """The standard interim reply (legal reference "interim_reply") when a case takes more
    than a month."""
    require_handler(acting_user, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(CASE_NOT_OPEN, code="closed")
    if expected_by <= timezone.localdate():
        raise ValidationError({"expected_by": INTERIM_DATE_PASSED})
    letter = letter_create(
        case=case,
        kind=Letter.Kind.INTERIM,
        title=_("Foreløpig svar på søknaden din"),
        template="casework/letters/interim.html",
        context={"expected_by": expected_by, "reason": reason},
        law_codes=("interim_reply",),
        acting_user=acting_user,
    )
    case.interim_reply_sent_on = timezone.localdate()
    case.save(update_fields=["interim_reply_sent_on"])
    return letter


def _asked(plan_outcome: str, coordinator_outcome: str, child_outcome: str) -> list[str]:
    outcomes = {"plan": plan_outcome, "coordinator": coordinator_outcome}
    outcomes["child_coordinator"] = child_outcome
    return [right for right, outcome in outcomes.items() if outcome != Outcome.NOT_ASKED]


def decision_law_codes(rights: list[str], rule: ComplaintRule) -> tuple[str, ...]:
    codes = [code for right in rights for code in LEGAL_BASIS[right] if code]
    return (*codes, *DECISION_LETTER_LAW, rule.reference_code)


def legal_basis_for(
    plan_outcome: str, coordinator_outcome: str, child_outcome: str, *, on=None
) -> str:
    """The rules the decision is made under, in force on its day, from the table of legal
    references; stored with the decision (letters are in bokmål)."""
    rights = _asked(plan_outcome, coordinator_outcome, child_outcome)
    law = legal_references(*(c for r in rights for c in LEGAL_BASIS[r] if c), on=on)
    parts = []
    for right in rights:
        right_code, duty_code, regulation_code = LEGAL_BASIS[right]
        part = f"{law[right_code].citation} og {law[duty_code].citation}"
        if regulation_code:
            part += f", jf. {law[regulation_code].citation}"
        parts.append(part)
    return "; ".join(parts)


def _check_outcomes(case: Case, outcomes: dict[str, str]) -> None:
    asked = {
        "plan": case.wants_plan,
        "coordinator": case.wants_coordinator,
        "child_coordinator": case.wants_child_coordinator,
    }
    for key, was_asked in asked.items():
        if (outcomes[key] == Outcome.NOT_ASKED) == was_asked:
            raise ValidationError(OUTCOME_FOR_EACH_REQUEST, code="outcomes")
    if any(outcomes[key] == Outcome.PARTLY for key in NO_PARTLY):
        raise ValidationError(PARTLY_NOT_FOR, code="partly")


@transaction.atomic
def decision_make(
    *,
    case: Case,
    plan_outcome: str,
    coordinator_outcome: str,
    child_coordinator_outcome: str,
    facts: str,
    considerations: str,
    complaint_rule: ComplaintRule,
    acting_user,
    notified_on: datetime.date | None = None,
    kind: str = Decision.Kind.ORIGINAL,
) -> Decision:
    """A written, reasoned decision with its letter, delivered to the person's inbox.

    The case row is locked and its status checked, and the database allows one first decision
    per case: a double submit, or two handlers at once, give exactly one decision."""
    require_handler(acting_user, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if kind == Decision.Kind.ORIGINAL and not case.is_open:
        raise ValidationError(ALREADY_DECIDED if case.decided_on else CASE_NOT_OPEN, code="decided")
    if kind == Decision.Kind.ORIGINAL and case.decided_on is not None:
        # Reopened (Statsforvalteren sent it back for new handling): a new decision.
        kind = Decision.Kind.AFTER_COMPLAINT
    _check_outcomes(
        case,
        {
            "plan": plan_outcome,
            "coordinator": coordinator_outcome,
            "child_coordinator": child_coordinator_outcome,
        },
    )
    if not complaint_rule.for_health_rights:
        raise ValidationError({"complaint_rule": RULE_NOT_FOR_THESE_RIGHTS})
    decision = _unsaved_decision(
        case=case,
        kind=kind,
        plan_outcome=plan_outcome,
        coordinator_outcome=coordinator_outcome,
        child_coordinator_outcome=child_coordinator_outcome,
        facts=facts,
        considerations=considerations,
        complaint_rule=complaint_rule,
        acting_user=acting_user,
        notified_on=notified_on,
    )
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise ValidationError(ALREADY_DECIDED, code="decided") from None
    decision.letter = letter_create(
        case=case, kind=Letter.Kind.DECISION, acting_user=acting_user, **_decision_letter(decision)
    )
    decision.save(update_fields=["letter"])
    case.status, case.decided_on = Case.Status.DECIDED, timezone.localdate()
    case.save(update_fields=["status", "decided_on"])
    return decision


def _unsaved_decision(*, case, acting_user, notified_on=None, **fields) -> Decision:
    rights = (fields["plan_outcome"], fields["coordinator_outcome"])
    rights += (fields["child_coordinator_outcome"],)
    return Decision(
        case=case,
        decided_by=acting_user,
        notified_on=notified_on or timezone.localdate(),
        legal_basis=legal_basis_for(*rights, on=timezone.localdate()),
        **fields,
    )


def _decision_letter(decision: Decision) -> dict:
    """The decision letter's template, title, context and law: one place for the letter that is
    sent and the preview the case handler reads first."""
    today, rule = timezone.localdate(), decision.complaint_rule
    rights = _asked(
        decision.plan_outcome, decision.coordinator_outcome, decision.child_coordinator_outcome
    )
    return {
        "title": (
            _("Vedtak om barnekoordinator")
            if rights == ["child_coordinator"]
            else _("Vedtak om individuell plan og koordinator")
        ),
        "template": "casework/letters/decision.html",
        "context": {
            "decision": decision,
            "deadline": decision.complaint_deadline,
            "rights": rights,
            "deadline_law": legal_references(rule.reference_code, on=today)[rule.reference_code],
        },
        "law_codes": decision_law_codes(rights, rule),
        "on": today,
    }


def decision_preview(*, case: Case, acting_user, **fields):
    """The decision letter as it will be sent, checked as `decision_make` checks it; nothing is
    saved. Raises ValidationError where decision_make would."""
    require_handler(acting_user, case)
    if not case.is_open:
        raise ValidationError(ALREADY_DECIDED if case.decided_on else CASE_NOT_OPEN, code="decided")
    outcomes = ("plan_outcome", "coordinator_outcome", "child_coordinator_outcome")
    _check_outcomes(case, dict(zip(LEGAL_BASIS, (fields[o] for o in outcomes), strict=True)))
    if not fields["complaint_rule"].for_health_rights:
        raise ValidationError({"complaint_rule": RULE_NOT_FOR_THESE_RIGHTS})
    decision = _unsaved_decision(case=case, acting_user=acting_user, **fields)
    return letter_preview(case=case, acting_user=acting_user, **_decision_letter(decision))


@transaction.atomic
def decision_appoint(
    *, decision: Decision, coordinator, override_reason: str, create_plan: bool, acting_user
) -> Decision:
    """Appoint the coordinator (from the registry; an untrained one only with a reason) and,
    where the decision grants a plan, create the draft plan in the same step."""
    case = decision.case
    require_handler(acting_user, case)
    if not decision.grants_plan and not decision.grants_coordinator:
        raise ValidationError(NOTHING_TO_APPOINT, code="nothing")
    if decision.plan_id is not None and decision.appointed_coordinator_id is not None:
        raise ValidationError(CHANGE_IS_A_HANDOVER, code="handover")
    profile = CoordinatorProfile.objects.filter(
        user=coordinator, municipality_id=case.municipality_id
    ).first()
    if profile is None or not holds_role(coordinator, Role.COORDINATOR, case.municipality_id):
        raise ValidationError({"coordinator": NOT_A_REGISTERED_COORDINATOR})
    if not profile.is_trained and not override_reason.strip():
        raise ValidationError({"override_reason": UNTRAINED_NEEDS_REASON})
    child = decision.child_coordinator_outcome in (Outcome.GRANTED, Outcome.PARTLY)
    if child and not profile.can_be_child_coordinator and not override_reason.strip():
        raise ValidationError({"override_reason": NOT_CHILD_COORDINATOR_NEEDS_REASON})
    decision.appointed_coordinator = coordinator
    decision.untrained_override_reason = override_reason.strip()
    # A barnekoordinator works in the family's workspace (below); a record of its own is made
    # for the child only when an individual plan is granted.
    if create_plan and decision.plan_id is None and (decision.grants_plan or not child):
        decision.plan = _record_for_decision(decision, coordinator, acting_user)
    if child:
        # The barnekoordinator works with the family: its workspace, owned by the parents.
        decision.family = family_create(
            child=case.person,
            municipality=case.municipality,
            coordinator=coordinator,
            expected_on=case.expected_on,
            plan=decision.plan,
            acting_user=acting_user,
        )
    decision.save(
        update_fields=["appointed_coordinator", "untrained_override_reason", "plan", "family"]
    )
    case_log(case, acting_user, "update", _("Koordinator oppnevnt"), coordinator.display_name)
    return decision


def _record_for_decision(decision: Decision, coordinator, acting_user) -> Plan:
    """The record the appointed coordinator works in: a draft individual plan where the
    decision grants one, otherwise a coordinator's record without a plan. A person's open
    coordinator's record becomes the plan (the same record, kept whole), and a coordinator-only
    decision for someone who already has an open record uses that one."""
    case = decision.case
    record = Plan.objects.filter(owner=case.person).exclude(status=Plan.Status.CLOSED).first()
    if record is not None and record.kind == RELAY_LOG and decision.grants_plan:
        # The child's relay log continues as the plan: one record, nothing typed twice.
        return relay_log_continue_on_decision(
            plan=record, coordinator=coordinator, acting_user=acting_user
        )
    if record is not None and record.kind != INDIVIDUAL_PLAN and decision.grants_plan:
        return plan_convert_by_decision(
            plan=record,
            access=plan_access(acting_user, record),
            decision_text=decision_grounds_text(decision),
        )
    if record is not None and not decision.grants_plan:
        return record
    return plan_create(
        owner=case.person,
        coordinator=coordinator,
        municipality=case.municipality,
        kind=INDIVIDUAL_PLAN if decision.grants_plan else COORDINATION,
        acting_user=acting_user,
    )
