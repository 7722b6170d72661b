"""Reads for the collaboration around a plan: who can be invited, meetings, message threads."""

from __future__ import annotations

import datetime

from django.db import connection
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
from consent.policy import (
    Person,
    family_parents,
    people_who_can,
    plans_visible_sql,
    staff_municipality_ids,
)
from coordination.models import Meeting, Message, MessageThread, ThreadRead
from ipplan.sqlrows import converted_rows
from plans.models import Family, Plan
from plans.page_facts import Fact, db_datetime
from plans.sections import Section


def invitable_people(plan: Plan) -> list[Person]:
    """Who can be invited to the plan's meetings: the owner and whoever acts for them, the
    coordinator, and every participant the owner gave access to any part of the plan (NAV, the
    school, the GP at a cooperation meeting). An invitee without the meetings section sees only
    that meeting's notice (coordination/loaders.py), never its minutes or other meetings."""
    return people_who_can(plan, None, "read")


MEETING_LIST_LIMIT = 100


def meeting_list_for(plan: Plan) -> QuerySet[Meeting]:
    """The plan's meetings page: the latest hundred, with their minutes."""
    return Meeting.objects.filter(plan=plan).select_related("minutes")[:MEETING_LIST_LIMIT]


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
    """The same count as the sum of threads_for(...).unread, as one COUNT (the plan page)."""
    last_read = ThreadRead.objects.filter(thread=OuterRef("thread_id"), user=user).values(
        "last_read_at"
    )[:1]
    return (
        Message.objects.filter(thread__plan=plan)
        .exclude(author=user)
        .filter(created_at__gt=Coalesce(Subquery(last_read), Value(NEVER)))
        .count()
    )


def plan_page_context(*, plan: Plan, access, user, facts=None) -> dict:
    """What the plan's page shows of meetings and messages, for those who may read them:
    from the page's facts (plan_page_facts) when it has them, else read here."""
    context = {}
    if access.can_read(Section.MEETINGS):
        if facts is None:
            context["next_meeting"] = next_meeting(plan)
        elif facts["next_meeting_id"] is not None:
            # The page shows its link and time only.
            context["next_meeting"] = Meeting(
                pk=facts["next_meeting_id"], plan=plan, starts_at=facts["next_meeting_at"]
            )
        else:
            context["next_meeting"] = None
    if access.can_read(Section.MESSAGES):
        context["unread_messages"] = unread_count(plan, user) if facts is None else facts["unread"]
    return context


# next_meeting and unread_count as scalar subqueries of the plan page's one query of facts.
NEXT_MEETING = (
    "FROM coordination_meeting WHERE plan_id = %s AND status = %s AND starts_at >= %s"
    " ORDER BY starts_at, id LIMIT 1"
)
UNREAD = (
    "SELECT COUNT(*) FROM coordination_message m"
    " JOIN coordination_messagethread t ON t.id = m.thread_id"
    " WHERE t.plan_id = %s AND m.author_id <> %s AND m.created_at > COALESCE("
    "(SELECT r.last_read_at FROM coordination_threadread r"
    " WHERE r.thread_id = m.thread_id AND r.user_id = %s), %s)"
)


def plan_page_facts(*, plan: Plan, access, user) -> list:
    """The facts plan_page_context takes from the plan page's one query (plans.page_facts)."""
    facts = []
    if access.can_read(Section.MEETINGS):
        params = (plan.pk, Meeting.Status.SCHEDULED, db_datetime(timezone.now()))
        facts += [
            Fact("next_meeting_id", f"SELECT id {NEXT_MEETING}", params),
            Fact("next_meeting_at", f"SELECT starts_at {NEXT_MEETING}", params, "datetime"),
        ]
    if access.can_read(Section.MESSAGES):
        params = (plan.pk, user.pk, user.pk, db_datetime(NEVER))
        facts.append(Fact("unread", UNREAD, params))
    return facts


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


INVITED_LIMIT = 10
INVITED_LOOKBACK = datetime.timedelta(days=7)


# Written by hand: building this with the ORM (the visibility filter, four exclusions,
# select_related) cost more CPU than the rest of the home page's queries together.
_INVITED_SQL = """
SELECT m.id, m.plan_id, m.starts_at, p.owner_id, o.username, o.first_name, o.last_name
FROM coordination_meeting m
JOIN plans_plan p ON p.id = m.plan_id
JOIN accounts_user o ON o.id = p.owner_id
WHERE EXISTS (
        SELECT 1 FROM coordination_meetinginvitee i WHERE i.meeting_id = m.id AND i.user_id = %s
    )
    AND m.status = %s AND m.starts_at >= %s AND m.created_by_id <> %s AND p.status <> %s
    AND {visible} {not_own}
ORDER BY m.starts_at, m.id
LIMIT %s
"""
_INVITED_COLUMNS = tuple(Meeting._meta.get_field(name) for name in ("id", "plan", "starts_at"))


def meetings_invited_to(user, *, exclude_plan_ids) -> list[Meeting]:
    """Meetings of other people's plans this person is invited to and did not call: those to
    come and those of the last week (whose minutes may follow), for the home page. A plan the
    person may no longer open is left out (the policy's visibility rule); one query. Each
    meeting carries its plan and the plan's owner's name, nothing more."""
    visible, visible_params = plans_visible_sql(user, plan="p")
    own = sorted(set(exclude_plan_ids))
    not_own = f"AND m.plan_id NOT IN ({', '.join(['%s'] * len(own))})" if own else ""
    since = connection.ops.adapt_datetimefield_value(timezone.now() - INVITED_LOOKBACK)
    params = [user.pk, Meeting.Status.SCHEDULED, since, user.pk, Plan.Status.CLOSED]
    params += [*visible_params, *own, INVITED_LIMIT]
    with connection.cursor() as cursor:
        cursor.execute(_INVITED_SQL.format(visible=visible, not_own=not_own), params)
        rows = cursor.fetchall()
    db, meetings = connection.alias, []
    # The meeting's columns read as the ORM reads them (SQLite keeps UTC without saying so).
    columns = converted_rows(connection, _INVITED_COLUMNS, (row[:3] for row in rows))
    for (pk, plan_id, starts_at), row in zip(columns, rows, strict=True):
        owner_id, *name = row[3:]
        meeting = Meeting.from_db(db, ("id", "plan_id", "starts_at"), (pk, plan_id, starts_at))
        meeting.plan = Plan.from_db(db, ("id", "owner_id"), (plan_id, owner_id))
        meeting.plan.owner = User.from_db(
            db, ("id", "username", "first_name", "last_name"), (owner_id, *name)
        )
        meetings.append(meeting)
    return meetings


# --- The barnekoordinator's family workspaces ------------------------------------------------

FAMILY_HOME_LIMIT = 50


def families_of_parent(user) -> list[Family]:
    """The workspaces of the families the user is a parent (with parental responsibility) in,
    or the child of: the same rule as consent.policy.family_access, as one query."""
    parent_of = Representation.objects.in_force(timezone.localdate()).filter(
        representative=user, kind=Representation.Kind.PARENT
    )
    return list(
        Family.objects.filter(
            Q(child__in=parent_of.values("person_id")) | Q(child=user)
        ).select_related("child", "coordinator")[:FAMILY_HOME_LIMIT]
    )


def families_coordinated_by(user) -> QuerySet[Family]:
    """The active families the user is barnekoordinator for, in the municipalities where they
    hold the coordinator role."""
    return (
        Family.objects.filter(
            coordinator=user,
            status=Family.Status.ACTIVE,
            municipality_id__in=staff_municipality_ids(user, StaffMembership.Role.COORDINATOR),
        )
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "pk")
    )


def family_page(family: Family, access) -> dict:
    """What the workspace page shows: the tasks, the services, the parents, and for the
    family the log of who read or changed it. A fixed number of queries."""
    return {
        "tasks": list(family.tasks.select_related("updated_by")),
        "services": list(family.services.all()),
        "parents": [rep.representative for rep in family_parents(family.child_id)],
        "log": list(family.log.select_related("actor")[:50]) if access.is_family else [],
    }


def family_plan_choices(family: Family, user) -> list[Plan]:
    """The child's plans (individual plan, coordination record, relay log) that the
    barnekoordinator coordinates: the ones that can be linked to the family's workspace."""
    return list(
        Plan.objects.filter(owner_id=family.child_id, coordinator=user).order_by("-pk")[:20]
    )
