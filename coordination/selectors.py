"""Reads for the coordinating unit's work, scoped to the case handler's municipalities."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Representation, StaffMembership, User
from accounts.roles import parent_role_has_ended
from consent.models import PlanSectionUserObjectPermission
from consent.policy import is_coordinator_of, people_user_acts_for, staff_municipality_ids
from coordination.deadlines import interim_reply_due_before
from coordination.models import (
    OPEN_CASE_STATUSES,
    Case,
    CoordinatorProfile,
    Letter,
    Meeting,
    Message,
    MessageThread,
    ThreadRead,
)
from plans.models import Plan
from plans.sections import Section

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


def case_queue(*, user, queue_filter: QueueFilter, today=None) -> QuerySet[Case]:
    today = today or timezone.localdate()
    cases = cases_for_case_handler(user=user).select_related("person", "assigned_to")
    f = queue_filter
    if f.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif f.status in Case.Status.values:
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


def coordinator_registry(*, municipality_ids) -> QuerySet[CoordinatorProfile]:
    """Registered coordinators with their caseload (open plans they coordinate), in one query."""
    open_plans = (
        Plan.objects.filter(
            coordinator=OuterRef("user_id"), municipality_id=OuterRef("municipality_id")
        )
        .exclude(status=Plan.Status.CLOSED)
        .order_by()
        .values("coordinator")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        CoordinatorProfile.objects.filter(municipality_id__in=municipality_ids)
        .select_related("user", "municipality")
        .annotate(caseload=Coalesce(Subquery(open_plans), Value(0), output_field=IntegerField()))
        .order_by("user__first_name", "user__last_name")
    )


# --- Meetings and messages ---------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    user: User
    name: str
    role: str


def people_with_section(plan: Plan, section: str, *, now=None) -> list[Person]:
    """Everyone who may read `section` of the plan now: the owner and whoever acts for them,
    the coordinator, and participants with a grant in force on that section."""
    now = now or timezone.now()
    day = timezone.localdate()
    people: dict[int, Person] = {
        plan.owner_id: Person(plan.owner, plan.owner.display_name, "owner")
    }
    representatives = (
        Representation.objects.in_force(day)
        .filter(person_id=plan.owner_id)
        .exclude(parent_role_has_ended(day))
        .select_related("representative")
    )
    for rep in representatives:
        people.setdefault(
            rep.representative_id,
            Person(rep.representative, rep.representative.display_name, "representative"),
        )
    if plan.coordinator_id and is_coordinator_of(plan.coordinator, plan):
        people.setdefault(
            plan.coordinator_id,
            Person(plan.coordinator, plan.coordinator.display_name, "coordinator"),
        )
    granted = PlanSectionUserObjectPermission.objects.filter(
        content_object__plan=plan,
        content_object__section=section,
        grant__status="active",
        grant__starts_at__lte=now,
        grant__ends_at__gt=now,
        grant__participant__is_active=True,
    ).select_related("user", "grant__participant")
    for row in granted:
        people.setdefault(row.user_id, Person(row.user, row.grant.participant.name, "participant"))
    return list(people.values())


def invitable_people(plan: Plan) -> list[Person]:
    return people_with_section(plan, Section.MEETINGS)


def meetings_for(plan: Plan) -> QuerySet[Meeting]:
    return Meeting.objects.filter(plan=plan).prefetch_related("invitees")


def next_meeting(plan: Plan) -> Meeting | None:
    return (
        Meeting.objects.filter(
            plan=plan, status=Meeting.Status.SCHEDULED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )


NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def threads_for(plan: Plan, user) -> QuerySet[MessageThread]:
    """The plan's threads, newest activity first, each with the user's unread count."""
    last_read = ThreadRead.objects.filter(thread=OuterRef("thread_id"), user=user).values(
        "last_read_at"
    )[:1]
    unread = (
        Message.objects.filter(thread=OuterRef("pk"))
        .exclude(author=user)
        .filter(created_at__gt=Coalesce(Subquery(last_read), Value(NEVER)))
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        MessageThread.objects.filter(plan=plan)
        .annotate(unread=Coalesce(Subquery(unread), Value(0), output_field=IntegerField()))
        .select_related("created_by")
        .order_by("-last_message_at")
    )


def unread_count(plan: Plan, user) -> int:
    return sum(t.unread for t in threads_for(plan, user))


def plan_page_context(*, plan: Plan, access, user) -> dict:
    """What the plan's page shows of meetings and messages, for those who may read them."""
    context = {}
    if access.can_read(Section.MEETINGS):
        context["next_meeting"] = next_meeting(plan)
    if access.can_read(Section.MESSAGES):
        context["unread_messages"] = unread_count(plan, user)
    return context


def home_summaries(user, plans: list[Plan]) -> dict[int, dict]:
    """Next meeting and unread messages for the owner-side plans on the home page, in two
    queries whatever the number of plans."""
    ids = [p.pk for p in plans]
    summaries = {pk: {"next_meeting": None, "unread": 0} for pk in ids}
    upcoming = Meeting.objects.filter(
        plan_id__in=ids, status=Meeting.Status.SCHEDULED, starts_at__gte=timezone.now()
    ).order_by("plan_id", "starts_at")
    for meeting in upcoming:
        summaries[meeting.plan_id]["next_meeting"] = (
            summaries[meeting.plan_id]["next_meeting"] or meeting
        )
    last_read = ThreadRead.objects.filter(thread=OuterRef("thread_id"), user=user).values(
        "last_read_at"
    )[:1]
    unread = (
        Message.objects.filter(thread__plan_id__in=ids)
        .exclude(author=user)
        .filter(created_at__gt=Coalesce(Subquery(last_read), Value(NEVER)))
        .values("thread__plan_id")
        .annotate(n=Count("pk"))
    )
    for row in unread:
        summaries[row["thread__plan_id"]]["unread"] = row["n"]
    return summaries
