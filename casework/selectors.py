"""Reads for the coordinating unit's work, scoped to the case handler's municipalities."""

from __future__ import annotations

import datetime
import string
from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.contact_registry import entries_for
from accounts.models import ContactRegistryEntry, StaffMembership, User, display_name_of
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
    expected_child,
)
from consent.policy import people_user_acts_for, representatives_of, staff_municipality_ids
from ipplan.sqlrows import hand_page
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


# The queue's page in one hand-written query: which cases match the filter, how many there are
# (an uncorrelated subquery, run once: a window count would read every row before the LIMIT),
# the page's rows with the two people the table names (their names, and whether the person has
# an identity number: never the number itself), and for each row whether it owes an interim
# reply and still waits for an appointment. The ORM's select_related, annotations and Paginator
# cost several times more to build than the queries cost to run (issue 14).
# tests/casework/test_queue_sql.py holds it to the ORM query it replaced.
_QUEUE_SQL = """
SELECT q.id, q.number, q.person_id, q.kind, q.status, q.received_on, q.assigned_to_id,
       q.expected_on, q.interim_reply_sent_on, q.total,
       p.username, p.first_name, p.last_name,
       CASE WHEN p.national_id_encrypted <> '' THEN 1 ELSE 0 END,
       a.username, a.first_name, a.last_name,
       CASE WHEN q.status IN ({open_statuses}) AND q.received_on < %s
            AND q.interim_reply_sent_on IS NULL THEN 1 ELSE 0 END,
       CASE WHEN q.id IN ({pending}) THEN 1 ELSE 0 END
FROM (
  SELECT c.id, c.number, c.person_id, c.kind, c.status, c.received_on, c.assigned_to_id,
         c.expected_on, c.interim_reply_sent_on,
         (SELECT COUNT(*) FROM ({all_cases}) n) AS total
  FROM ({first_cases}) c
  ORDER BY c.received_on, c.id
  LIMIT {limit:d} OFFSET {offset:d}
) q
JOIN accounts_user p ON p.id = q.person_id
LEFT JOIN accounts_user a ON a.id = q.assigned_to_id
ORDER BY q.received_on, q.id
"""
_QUEUE_CASES_SQL = """
SELECT c.id, c.number, c.person_id, c.kind, c.status, c.received_on, c.assigned_to_id,
       c.expected_on, c.interim_reply_sent_on
FROM casework_case c
WHERE c.municipality_id IN ({municipalities}) AND {condition}"""
_PERSON_FIELDS = ("id", "username", "first_name", "last_name")


_CONSTANT_CHARACTERS = frozenset(string.ascii_lowercase + "_")


def _constant(value: str) -> str:
    """A code constant (a status or an outcome: lowercase letters and underscores, never
    anything a user typed) as an SQL literal. The queue's statuses and outcomes are written into
    its text rather than passed as parameters: the statement is prepared on the server after a
    few runs (DATABASE_PREPARE_THRESHOLD) and then planned once, without knowing its parameters,
    and a plan that does not know the statuses can neither match the partial indexes nor
    estimate the rows (at 1,000 open cases that plan took 29 ms, against 2 ms to plan and 2 ms to
    run it with the constants known)."""
    if not (isinstance(value, str) and value and set(value) <= _CONSTANT_CHARACTERS):
        raise ValueError(f"not a code constant: {value!r}")
    return f"'{value}'"


def _constants(values) -> str:
    return ", ".join(_constant(v) for v in values)


def _pending_case_ids_sql() -> str:
    """The cases with a decision still waiting for an appointment, as SQL: compiled from
    APPOINTMENT_PENDING itself, so that PostgreSQL matches it to the partial index
    casework_decision_pending (whose condition is the same Q), its outcomes written in as
    constants (see _constant). Built once per database vendor."""
    vendor = connection.vendor
    if vendor not in _PENDING_SQL:
        query = Decision.objects.filter(APPOINTMENT_PENDING).order_by().values("case_id").query
        sql, params = query.sql_with_params()
        _PENDING_SQL[vendor] = sql % tuple(_constant(p) for p in params)
    return _PENDING_SQL[vendor]


_PENDING_SQL: dict[str, str] = {}


def _queue_cases_sql(user, municipalities, f: QueueFilter, cutoff) -> list[tuple[str, list]]:
    """The cases the filter asks for, as the branches of a UNION ALL (SQL and parameters): for
    "open" (the default), the open cases (read through casework_case_open_queue) and, in a
    branch of their own, the decided ones still waiting for an appointment (from the decisions'
    partial index: an OR with the subquery would walk every decided case)."""
    conditions, params = [], []
    if f.assigned == "mine":
        conditions.append("c.assigned_to_id = %s")
        params.append(user.pk)
    elif f.assigned == "unassigned":
        conditions.append("c.assigned_to_id IS NULL")
    if f.kind in Case.Kind.values:
        conditions.append("c.kind = %s")
        params.append(f.kind)
    if f.interim_due:
        conditions.append(
            f"c.status IN ({_constants(OPEN_STATUSES)}) AND c.received_on < %s"
            " AND c.interim_reply_sent_on IS NULL"
        )
        params.append(cutoff)
    if f.number:
        # Django's icontains on both databases (SQLite's UPPER and LIKE fold ASCII only).
        conditions.append("UPPER(c.number) LIKE UPPER(%s) ESCAPE '\\'")
        params.append(f"%{connection.ops.prep_for_like_query(f.number.strip())}%")
    if f.status == "open":
        branches = [(f"c.status IN ({_constants(OPEN_STATUSES)})", [])]
        if not f.interim_due:  # only undecided cases are owed an interim reply
            branches.append(
                (
                    f"c.status = {_constant(Case.Status.DECIDED)}"
                    f" AND c.id IN ({_pending_case_ids_sql()})",
                    [],
                )
            )
    elif f.status in Case.Status.values:
        branches = [(f"c.status = {_constant(f.status)}", [])]
    else:
        branches = [("1 = 1", [])]
    return [
        (
            _QUEUE_CASES_SQL.format(
                municipalities=", ".join(["%s"] * len(municipalities)),
                condition=" AND ".join([condition, *conditions]),
            ),
            [*municipalities, *branch_params, *params],
        )
        for condition, branch_params in branches
    ]


def _union(branches, first: int | None = None) -> tuple[str, list]:
    """The branches as one subquery. With `first`, each branch only its first rows in the
    queue's order: the page's rows are among them, and PostgreSQL does not push an ORDER BY
    and LIMIT into the branches of a UNION ALL by itself (it read all 500 open cases of a
    municipality and sorted them, 2 ms; each branch in order from its index, 0.5 ms)."""
    if first is None:
        sqls = [sql for sql, _params in branches]
    else:
        sqls = [
            # S608: the branches are this module's SQL; what users typed are parameters.
            f"SELECT * FROM ({sql}\nORDER BY c.received_on, c.id LIMIT {first:d}) b{i}"  # noqa: S608
            for i, (sql, _params) in enumerate(branches)
        ]
    return "\nUNION ALL\n".join(sqls), [p for _sql, params in branches for p in params]


def _queue_rows(user, f: QueueFilter, today, limit: int, offset: int) -> list[tuple]:
    # Owed an interim reply: received before this day and still undecided (interim_due_filter).
    cutoff = connection.ops.adapt_datefield_value(interim_reply_due_before(today))
    municipalities = sorted(staff_municipality_ids(user, StaffMembership.Role.CASE_HANDLER))
    if not municipalities:
        return []
    branches = _queue_cases_sql(user, municipalities, f, cutoff)
    all_sql, all_params = _union(branches)
    first_sql, first_params = _union(branches, first=offset + limit)
    # The page's bounds are written in too: a plan that does not know the LIMIT reckons with a
    # tenth of the rows and joins every user by hash (one statement per page number, each
    # prepared once it is run often).
    sql = _QUEUE_SQL.format(
        open_statuses=_constants(OPEN_STATUSES),
        pending=_pending_case_ids_sql(),
        all_cases=all_sql,
        first_cases=first_sql,
        limit=limit,
        offset=offset,
    )
    params = [cutoff, *all_params, *first_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value):
    return parse_date(value) if isinstance(value, str) else value


class QueuedCase(NamedTuple):
    """One case on the work queue's page: what its table shows. Not a model instance: building
    a Case and two Users for each of 50 rows cost as much as the query (issue 14)."""

    pk: int
    number: str
    kind: str
    status: str
    received_on: datetime.date
    expected_on: datetime.date | None
    interim_reply_sent_on: datetime.date | None
    person_id: int
    person_name: str
    person_has_national_id: bool
    assigned_to_id: int | None
    assigned_to_name: str | None
    interim_due: bool  # owed an interim reply (interim_due_filter)
    appointment_pending: bool  # decided, still waiting for an appointment (APPOINTMENT_PENDING)

    @property
    def is_expected_child(self) -> bool:
        return expected_child(self.expected_on, self.person_has_national_id)


def _queued_case(row: tuple) -> QueuedCase:
    pk, number, person_id, kind, status, received_on, assigned_to_id, expected_on, sent_on = row[:9]
    return QueuedCase(
        pk=pk,
        number=number,
        kind=kind,
        status=status,
        received_on=_date(received_on),
        expected_on=_date(expected_on),
        interim_reply_sent_on=_date(sent_on),
        person_id=person_id,
        person_name=display_name_of(row[11], row[12], row[10]),
        person_has_national_id=bool(row[13]),
        assigned_to_id=assigned_to_id,
        assigned_to_name=(
            None if assigned_to_id is None else display_name_of(row[15], row[16], row[14])
        ),
        interim_due=bool(row[17]),
        appointment_pending=bool(row[18]),
    )


def case_queue_page(
    *, user, queue_filter: QueueFilter, number, per_page: int = 50, today=None
) -> Page:
    """One page of the queue (as Paginator.get_page(number) would give it), oldest first, in
    one query. "open" (the default) is every case with something left to do: those not yet
    decided, and decided ones still waiting for a coordinator to be appointed. Each case says
    whether it is owed an interim reply (`interim_due`) and whether it waits for an
    appointment (`appointment_pending`). The page's cases are QueuedCase rows."""
    today = today or timezone.localdate()
    page, rows = hand_page(
        lambda limit, offset: _queue_rows(user, queue_filter, today, limit, offset),
        number,
        per_page,
        total_at=9,
    )
    page.object_list = [_queued_case(row) for row in rows]
    return page


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


# The letters to print, with what the queue names (the letter's title and case number, the
# addressee's name), in one hand-written query; tests/casework/test_queue_sql.py holds it to the
# ORM query it replaced.
_TO_PRINT_SQL = """
SELECT d.id, d.letter_id, d.addressee_id, d.state, d.print_reason,
       l.case_id, l.title, c.number, u.username, u.first_name, u.last_name
FROM casework_letterdelivery d
JOIN casework_letter l ON l.id = d.letter_id
JOIN casework_case c ON c.id = l.case_id
JOIN accounts_user u ON u.id = d.addressee_id
WHERE d.state IN (%s, %s) AND c.municipality_id IN ({municipalities})
ORDER BY d.created_at, d.id
LIMIT %s
"""


def letters_to_print(*, user, limit: int) -> list[LetterDelivery]:
    """Letters the coordinating unit must print and post (reserved in KRR, no digital mailbox,
    or the digital service gave up), in the handler's municipalities, oldest first (the first
    `limit`)."""
    municipalities = sorted(staff_municipality_ids(user, StaffMembership.Role.CASE_HANDLER))
    if not municipalities:
        return []
    sql = _TO_PRINT_SQL.format(municipalities=", ".join(["%s"] * len(municipalities)))
    params = [LetterDelivery.State.PRINT, LetterDelivery.State.FAILED, *municipalities, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    db = connection.alias
    deliveries = []
    for pk, letter_id, addressee_id, state, reason, case_id, title, number, *names in rows:
        delivery = LetterDelivery.from_db(
            db,
            ("id", "letter_id", "addressee_id", "state", "print_reason"),
            (pk, letter_id, addressee_id, state, reason),
        )
        letter = Letter.from_db(db, ("id", "case_id", "title"), (letter_id, case_id, title))
        letter.case = Case.from_db(db, ("id", "number"), (case_id, number))
        delivery.letter = letter
        delivery.addressee = User.from_db(db, _PERSON_FIELDS, (addressee_id, *names))
        deliveries.append(delivery)
    return deliveries


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
