"""Reads for the coordinating unit's work, scoped to the case handler's municipalities."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.contact_registry import entries_for
from accounts.models import ContactRegistryEntry, StaffMembership, User
from accounts.roles import decides_alone
from casework.deadlines import interim_reply_due_before
from casework.models import (
    APPOINTMENT_PENDING,
    OPEN_CASE_STATUSES,
    Case,
    ComplaintRule,
    CoordinatorProfile,
    Decision,
    Letter,
    LetterDelivery,
)
from consent.policy import people_user_acts_for, representatives_of, staff_municipality_ids
from plans.models import Plan

OPEN_STATUSES = OPEN_CASE_STATUSES


def cases_for_case_handler(*, user) -> QuerySet[Case]:
    municipalities = staff_municipality_ids(user, StaffMembership.Role.CASE_HANDLER)
    return Case.objects.filter(municipality_id__in=municipalities)


def case_queue_summary(*, user, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return cases_for_case_handler(user=user).aggregate(
        received=Count("pk", filter=Q(status=Case.Status.RECEIVED)),
        assessing=Count("pk", filter=Q(status=Case.Status.ASSESSING)),
        unassigned=Count("pk", filter=Q(status__in=OPEN_STATUSES, assigned_to__isnull=True)),
        mine=Count("pk", filter=Q(status__in=OPEN_STATUSES, assigned_to=user)),
        interim_due=Count("pk", filter=interim_due_filter(today)),
        complaints=Count("pk", filter=Q(status=Case.Status.COMPLAINT)),
    )


def interim_due_filter(today: datetime.date) -> Q:
    return Q(
        status__in=OPEN_STATUSES,
        received_on__lt=interim_reply_due_before(today),
        interim_reply_sent_on__isnull=True,
    )


def interim_due_ids(case_ids, today: datetime.date | None = None) -> set[int]:
    """Which of these cases are owed an interim reply today (one query for a page of cases)."""
    today = today or timezone.localdate()
    return set(
        Case.objects.filter(interim_due_filter(today), pk__in=case_ids).values_list("pk", flat=True)
    )


def case_handlers(*, municipality_id: int) -> QuerySet[User]:
    """Who a case in this municipality can be assigned to."""
    return User.objects.filter(
        memberships__municipality_id=municipality_id,
        memberships__role=StaffMembership.Role.CASE_HANDLER,
        memberships__is_active=True,
    ).distinct()


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"
    assigned: str = "all"
    kind: str = ""
    interim_due: bool = False
    number: str = ""


def appointment_pending() -> Exists:
    """The case has a decision that grants a plan or a coordinator and still has no coordinator
    appointed (or, for a plan, no plan created): the case handler has work left on it."""
    return Exists(Decision.objects.filter(APPOINTMENT_PENDING, case=OuterRef("pk")))


def case_queue(*, user, queue_filter: QueueFilter, today=None) -> QuerySet[Case]:
    """The queue; "open" (the default) is every case with something left to do: those not yet
    decided, and decided ones still waiting for a coordinator to be appointed. Each case says
    whether it is owed an interim reply (`interim_due`). The open queue asks the database
    once here (which decided cases still wait), the rest when the queryset is read."""
    today = today or timezone.localdate()
    cases = (
        cases_for_case_handler(user=user)
        .select_related("person", "assigned_to")
        .annotate(
            appointment_pending=appointment_pending(),
            interim_due=ExpressionWrapper(interim_due_filter(today), output_field=BooleanField()),
        )
    )
    f = queue_filter
    if f.status in Case.Status.values:
        cases = cases.filter(status=f.status)
    if f.assigned == "mine":
        cases = cases.filter(assigned_to=user)
    elif f.assigned == "unassigned":
        cases = cases.filter(assigned_to__isnull=True)
    if f.kind in Case.Kind.values:
        cases = cases.filter(kind=f.kind)
    if f.interim_due:
        cases = cases.filter(interim_due_filter(today))
    if f.number:
        cases = cases.filter(number__icontains=f.number.strip())
    if f.status == "open":
        # The decided cases still waiting for an appointment are looked up first, from the
        # decisions' partial index (casework_decision_pending): they are few, while decided
        # cases only pile up, and an OR with a subquery would walk all of them. The open
        # cases are then read in order through casework_case_open_queue, a page at a time.
        waiting = cases.filter(status=Case.Status.DECIDED, appointment_pending=True)
        waiting_ids = list(waiting.order_by().values_list("pk", flat=True))
        cases = cases.filter(Q(status__in=OPEN_STATUSES) | Q(pk__in=waiting_ids))
    return cases.order_by("received_on", "pk")


def cases_for_person_side(*, user) -> QuerySet[Case]:
    """The user's own cases and those of people they act for."""
    return (
        Case.objects.filter(person_id__in=people_user_acts_for(user))
        .select_related("municipality", "person")
        .order_by("-received_on", "-pk")
    )


def letters_for(*, user) -> QuerySet[Letter]:
    return (
        Letter.objects.filter(case__person_id__in=people_user_acts_for(user))
        .select_related("case")
        .order_by("-created_at")
    )


def coordinator_registry(*, municipality_ids) -> list[CoordinatorProfile]:
    """Registered coordinators with their caseload (open plans they coordinate in the
    profile's municipality): one query, the caseloads counted by its GROUP BY over the
    coordinators' plans joined in (no subquery per coordinator)."""
    plans = "user__coordinated_plans"
    open_here = Q(**{f"{plans}__municipality_id": F("municipality_id")}) & ~Q(
        **{f"{plans}__status": Plan.Status.CLOSED}
    )
    return list(
        CoordinatorProfile.objects.filter(municipality_id__in=municipality_ids)
        .select_related("user", "municipality")
        .annotate(caseload=Count(plans, filter=open_here))
        .order_by("user__first_name", "user__last_name")
    )


def complaint_rules_for_decisions():
    """The complaint rules a decision on plan, coordinator or barnekoordinator may use: the
    rights act's own (forvaltningsloven's general rule does not apply to these rights)."""
    return ComplaintRule.objects.filter(for_health_rights=True)


def letters_to_print(*, user) -> QuerySet[LetterDelivery]:
    """Letters the coordinating unit must print and post (reserved in KRR, no digital mailbox,
    or the digital service gave up), in the handler's municipalities, oldest first."""
    return (
        LetterDelivery.objects.filter(
            state__in=[LetterDelivery.State.PRINT, LetterDelivery.State.FAILED],
            letter__case__municipality_id__in=staff_municipality_ids(
                user, StaffMembership.Role.CASE_HANDLER
            ),
        )
        .select_related("letter__case", "addressee")
        .order_by("created_at", "pk")
    )


def case_deliveries(*, case: Case) -> list[LetterDelivery]:
    return list(
        LetterDelivery.objects.filter(letter__case=case)
        .select_related("letter", "addressee", "printed_by")
        .order_by("letter_id", "pk")
    )


def paper_addressees(*, case: Case) -> list[tuple[User, ContactRegistryEntry]]:
    """The case's addressees KRR says must get paper (reserved, or not in KRR), with what KRR
    said: staff see it on the case."""
    people = letter_addressee_users(case)
    entries = entries_for(p.pk for p in people)
    return [
        (person, entries[person.pk])
        for person in people
        if person.pk in entries and entries[person.pk].digital_contact_refused
    ]


def letter_addressee_users(case: Case, day: datetime.date | None = None) -> list[User]:
    """Whom the letter is addressed to: for a child, those with parental responsibility (or
    who else decides for them); otherwise the person."""
    day = day or timezone.localdate()
    if not decides_alone(case.person, day):
        reps = representatives_of(case.person, day, deciding=True).select_related("representative")
        people = [rep.representative for rep in reps]
        if people:
            return sorted(people, key=lambda u: u.pk)
    return [case.person]


def latest_ip_decision(*, plan: Plan) -> Decision | None:
    """The owner's latest decision granting an individual plan, in the plan's municipality,
    with its case and appointed coordinator, or None. `superseded` is set on it when a newer
    decision in the owner's cases there (refusing it, or not about it) came after it. One query
    for both hooks plans asks through (plans/extensions.py)."""
    owner_decisions = Decision.objects.filter(
        case__person_id=plan.owner_id, case__municipality_id=plan.municipality_id
    )
    newer = owner_decisions.filter(
        Q(decided_at__gt=OuterRef("decided_at"))
        | Q(decided_at=OuterRef("decided_at"), pk__gt=OuterRef("pk"))
    )
    return (
        owner_decisions.filter(plan_outcome__in=(Decision.Outcome.GRANTED, Decision.Outcome.PARTLY))
        .annotate(superseded=Exists(newer))
        .select_related("case", "appointed_coordinator")
        .order_by("-decided_at", "-pk")
        .first()
    )


def ip_right_for_plan(*, plan: Plan):
    """For plans' relay log: when the owner's newest decision in the plan's municipality grants
    an individual plan, the coordinator it appointed (or True before one is appointed). None
    when no decision grants it, or a newer decision came after the one that did."""
    decision = latest_ip_decision(plan=plan)
    if decision is None or decision.superseded:
        return None
    return decision.appointed_coordinator or True


def ip_decision_grounds(*, plan: Plan) -> str:
    """The latest decision in the plan's municipality that grants the owner an individual plan,
    named for the plan's history ("sak 2026-0012, 3. november 2026"), or ""."""
    decision = latest_ip_decision(plan=plan)
    if decision is None:
        return ""
    return decision_grounds_text(decision)


def decision_grounds_text(decision: Decision) -> str:
    day = timezone.localtime(decision.decided_at).date()
    # Stored in the plan's history, which keeps its texts in bokmål.
    with translation.override("nb"):
        return _("sak %(number)s, vedtak %(date)s") % {
            "number": decision.case.number,
            "date": date_format(day, "DATE_FORMAT"),
        }
