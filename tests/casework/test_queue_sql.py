"""The work queue is one hand-written query (casework.selectors.case_queue_page): the page's
cases under every filter, how many there are, the two people the table names, and whether each
case owes an interim reply or waits for an appointment; the letters to print are another. Both
are held here to the ORM queries they replaced (the oracles below), over varied cases, filters,
pages and readers, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from accounts.models import StaffMembership
from casework.models import (
    APPOINTMENT_PENDING,
    OPEN_CASE_STATUSES,
    Case,
    ComplaintRule,
    Decision,
    Letter,
    LetterDelivery,
)
from casework.selectors import (
    QueuedCase,
    QueueFilter,
    _constant,
    case_queue_page,
    cases_for_case_handler,
    interim_due_filter,
    letters_to_print,
)
from consent.policy import staff_municipality_ids
from tests.factories import PlanFactory, UserFactory, staff, with_national_id

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def appointment_pending() -> Exists:
    """The case has a decision that grants a plan or a coordinator and still has no coordinator
    appointed (or, for a plan, no plan created): the case handler has work left on it."""
    return Exists(Decision.objects.filter(APPOINTMENT_PENDING, case=OuterRef("pk")))


def oracle_queue(*, user, queue_filter: QueueFilter, today=None):
    """The ORM query the page used before (casework.selectors.case_queue until issue 14)."""
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
        waiting = cases.filter(status=Case.Status.DECIDED, appointment_pending=True)
        waiting_ids = list(waiting.order_by().values_list("pk", flat=True))
        cases = cases.filter(Q(status__in=OPEN_CASE_STATUSES) | Q(pk__in=waiting_ids))
    return cases.order_by("received_on", "pk")


def oracle_letters_to_print(*, user):
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


def _row(case):
    """What the table shows of a case: from the oracle's Case, or the page's QueuedCase."""
    if isinstance(case, QueuedCase):
        person = (case.person_id, case.person_name)
        assigned = case.assigned_to_id and (case.assigned_to_id, case.assigned_to_name)
    else:
        person = (case.person.pk, case.person.display_name)
        assigned = case.assigned_to and (case.assigned_to.pk, case.assigned_to.display_name)
    return (
        case.pk,
        case.number,
        case.kind,
        case.status,
        case.received_on,
        case.expected_on,
        case.interim_reply_sent_on,
        person,
        case.is_expected_child,
        assigned,
        bool(case.interim_due),
        bool(case.appointment_pending),
    )


def _page_facts(page):
    return (
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        page.has_previous(),
        page.has_next(),
        [_row(case) for case in page.object_list],
    )


@pytest.fixture
def varied_cases(municipality, other_municipality, case_handler):
    """Cases of every status and kind in two municipalities, some assigned (to the handler or a
    colleague), some expected children without an identity number, some owed an interim reply
    (or already sent one), numbers with LIKE's special characters, and decisions of every kind:
    waiting for an appointment (each of APPOINTMENT_PENDING's branches) or not."""
    colleague = staff("case_handler", municipality, username="tone", first_name="Tone")
    people = [UserFactory(first_name=f"P{i}", last_name="" if i == 3 else "Berg") for i in range(5)]
    with_national_id(people[0], datetime.date(1980, 1, 2))
    with_national_id(people[1], datetime.date(2010, 5, 6))
    statuses = ["received", "assessing", "decided", "closed", "complaint", "decided", "received"]
    kinds = ["application", "referral", "paper"]
    numbers = ["2026-%04d", "2026_%04d", "AB%%-%04d", "ab-%04d"]
    cases = []
    for i in range(90):
        cases.append(
            Case(
                municipality=municipality if i % 5 else other_municipality,
                number=numbers[i % 4] % i,
                person=people[i % 5],
                kind=kinds[i % 3],
                status=statuses[i % 7],
                received_on=TODAY - datetime.timedelta(days=(i * 37) % 90),
                assigned_to=[None, case_handler, colleague, None][i % 4],
                expected_on=TODAY + datetime.timedelta(days=60) if i % 6 == 0 else None,
                interim_reply_sent_on=TODAY if i % 8 == 0 else None,
                wants_plan=True,
                needs="x",
            )
        )
    Case.objects.bulk_create(cases)
    rule = ComplaintRule.objects.create(code="q", weeks=3, description="q")
    plan = PlanFactory(municipality=municipality)
    outcomes = itertools.cycle(
        [
            ("granted", "refused", "not_asked", None, None),  # no plan yet: waits
            ("granted", "refused", "not_asked", None, plan),  # plan made, no coordinator: waits
            ("refused", "granted", "not_asked", None, None),  # coordinator to appoint: waits
            ("refused", "refused", "partly", None, None),  # barnekoordinator: waits
            ("refused", "granted", "not_asked", colleague, None),  # appointed: done
            ("granted", "partly", "not_asked", colleague, plan),  # appointed, plan made: done
            ("refused", "refused", "not_asked", None, None),  # refused: done
        ]
    )
    decided = Case.objects.filter(status__in=["decided", "closed", "complaint"]).order_by("pk")
    Decision.objects.bulk_create(
        [
            Decision(
                case=case,
                plan_outcome=p,
                coordinator_outcome=c,
                child_coordinator_outcome=child,
                appointed_coordinator=appointed,
                plan=made,
                complaint_rule=rule,
                decided_by=case_handler,
                notified_on=TODAY,
                facts="f",
                considerations="c",
                legal_basis="l",
            )
            for case, (p, c, child, appointed, made) in zip(decided, outcomes, strict=False)
        ]
    )
    return colleague


FILTERS = [
    QueueFilter(),
    QueueFilter(status="all"),
    QueueFilter(status="decided"),
    QueueFilter(status="received", assigned="mine"),
    QueueFilter(assigned="unassigned"),
    QueueFilter(status="all", assigned="mine", kind="referral"),
    QueueFilter(kind="paper"),
    QueueFilter(interim_due=True),
    QueueFilter(status="all", interim_due=True, assigned="unassigned"),
    QueueFilter(number="2026"),
    QueueFilter(status="all", number="ab"),
    QueueFilter(status="all", number=" AB% "),
    QueueFilter(status="all", number="_"),
    QueueFilter(status="all", number="6_0"),
    QueueFilter(status="all", number="%"),
    QueueFilter(status="nonsense", assigned="nonsense", kind="nonsense"),
]
# The last two: an OFFSET that large would overflow PostgreSQL's bigint.
PAGES = [None, "", "1", "2", "3", "99", "0", "-1", "x", "2.0", "9" * 30, "-" + "9" * 30]


def test_the_queue_page_is_what_the_orm_query_gave(
    varied_cases, case_handler, municipality, other_municipality
):
    both = staff("case_handler", municipality, username="both")
    StaffMembership.objects.create(
        user=both, municipality=other_municipality, role=StaffMembership.Role.CASE_HANDLER
    )
    nowhere = staff("coordinator", municipality, username="nowhere")
    checked = 0
    for reader in (case_handler, varied_cases, both, nowhere):
        for queue_filter in FILTERS:
            expected = oracle_queue(user=reader, queue_filter=queue_filter)
            for number in PAGES:
                got = case_queue_page(
                    user=reader, queue_filter=queue_filter, number=number, per_page=7
                )
                want = Paginator(expected, 7).get_page(number)
                assert _page_facts(got) == _page_facts(want), (reader, queue_filter, number)
                checked += len(got.object_list)
    assert checked > 1000


def test_the_queue_statement_carries_its_constants_in_its_text(varied_cases, case_handler):
    """The statement is prepared on the server after a few runs and then planned without its
    parameters: the statuses, outcomes and page bounds are in its text (so that plan can use the
    partial indexes and knows the LIMIT); only the reader's municipalities, the day's cut-off and
    what the reader typed or chose are parameters."""
    seen = []

    def capture(execute, sql, params, many, context):
        if "casework_case" in sql:
            seen.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    firsts = []
    with connection.execute_wrapper(capture):
        for queue_filter in (
            QueueFilter(),
            QueueFilter(interim_due=True, kind="paper", number="26"),
        ):
            seen.clear()
            case_queue_page(user=case_handler, queue_filter=queue_filter, number="2", per_page=7)
            firsts.append(seen[0])
    constants = {*OPEN_CASE_STATUSES, "decided", "granted", "partly"}
    for sql, params in firsts:
        assert not constants & {p for p in params if isinstance(p, str)}, params
        assert "LIMIT 7 OFFSET 7" in sql
        assert "'received', 'assessing'" in sql
    default, typed = firsts
    assert "'granted', 'partly'" in default[0]
    # what the reader chose stays a parameter
    assert "paper" in typed[1] and "%26%" in typed[1]
    assert "paper" not in typed[0]
    # nobody owes an interim reply on a decided case: that branch is left out
    assert "'decided'" not in typed[0]


@pytest.mark.parametrize("value", ["Received", "x'y", "", "a b", "1", 5, None, "å"])
def test_only_code_constants_are_written_into_the_queue_statement(value):
    with pytest.raises(ValueError, match="not a code constant"):
        _constant(value)
    assert _constant("not_asked") == "'not_asked'"


def test_the_queue_page_shows_what_the_oracle_says_on_another_day(varied_cases, case_handler):
    """The interim reply's cut-off moves with the day (the cases were received in the last 90
    days: two months ago none was owed one yet)."""
    for days in (-60, 0, 45):
        day = TODAY + datetime.timedelta(days=days)
        expected = oracle_queue(user=case_handler, queue_filter=QueueFilter(), today=day)
        got = case_queue_page(user=case_handler, queue_filter=QueueFilter(), number=1, today=day)
        want = Paginator(expected, 50).get_page(1)
        assert _page_facts(got) == _page_facts(want)
        assert any(case.interim_due for case in got.object_list) == (days > -60)


def test_the_letters_to_print_are_what_the_orm_query_gave(
    case_handler, municipality, other_municipality
):
    person = UserFactory(first_name="Ola", last_name="Nordmann")
    cases = [
        Case.objects.create(
            municipality=m,
            number=f"L-{i}",
            person=person,
            kind="application",
            received_on=TODAY,
            wants_plan=True,
            needs="x",
        )
        for i, m in enumerate([municipality, other_municipality, municipality])
    ]
    states = ["print", "failed", "sent", "printed", "pending", "print"]
    reasons = ["reserved", "", "", "not_in_krr", "", "no_mailbox"]
    for i in range(18):
        letter = Letter.objects.create(
            case=cases[i % 3],
            kind="decision",
            title=f"Vedtak {i}",
            recipient=person,
            storage_name=f"l-{i}",
            sha256="0" * 64,
            size=1,
            created_by=case_handler,
        )
        LetterDelivery.objects.create(
            letter=letter,
            addressee=person if i % 2 else case_handler,
            reference=f"r-{i}",
            state=states[i % 6],
            print_reason=reasons[i % 6],
        )

    def facts(deliveries):
        return [
            (
                d.pk,
                d.letter_id,
                d.letter.case_id,
                d.letter.case.number,
                d.letter.title,
                d.addressee.display_name,
                d.print_reason,
                d.get_print_reason_display(),
                d.get_state_display(),
            )
            for d in deliveries
        ]

    nowhere = staff("coordinator", municipality, username="nowhere")
    for reader in (case_handler, nowhere):
        for limit in (1, 3, 100):
            expected = facts(oracle_letters_to_print(user=reader)[:limit])
            assert facts(letters_to_print(user=reader, limit=limit)) == expected
    assert len(letters_to_print(user=case_handler, limit=100)) == 6
