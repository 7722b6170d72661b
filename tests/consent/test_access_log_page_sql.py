"""access_log_page is the owner's log page's one query written by hand; the ORM's way (the
page's query until issue 14: access_log_for_owner, then page_after) is kept here as the
oracle. Over entries by the reader, by others and by nobody (the system), new rows with a list
of sections and old rows with one, about withheld items and others, on every filter, with and
without a cursor, and for a parent who may not see withheld items, the two must give the same
page, row for row."""

from __future__ import annotations

import dataclasses
import datetime
import itertools

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent import selectors
from consent.models import AccessLogEntry, section_filter
from consent.policy import plan_access
from consent.selectors import LogFilter, access_log_page

pytestmark = pytest.mark.django_db


# The ORM's way, as the log page read its entries before issue 14.
def access_log_for_owner(
    plan, viewer, log_filter: LogFilter, *, hides_withheld: bool = False
) -> QuerySet[AccessLogEntry]:
    """Newest first; the (plan, -at, -id) index keeps it fast with 100,000 rows. A parent's
    log leaves out every entry about an item withheld from them (plans/withheld.py)."""
    entries = AccessLogEntry.objects.filter(plan=plan)
    if hides_withheld:
        for kind, ids in selectors.withheld_keys(plan).items():
            if ids:
                entries = entries.exclude(object_type=kind, object_id__in=sorted(ids))
    if log_filter.actor_id:
        entries = entries.filter(actor_id=log_filter.actor_id)
    if log_filter.section:
        entries = entries.filter(section_filter(log_filter.section))
    if log_filter.hide_own:
        entries = entries.exclude(actor=viewer)
    tz = timezone.get_current_timezone()
    if log_filter.date_from:
        start = datetime.datetime.combine(log_filter.date_from, datetime.time.min, tzinfo=tz)
        entries = entries.filter(at__gte=start)
    if log_filter.date_to:
        end = datetime.datetime.combine(
            log_filter.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-id")


def page_after(entries: QuerySet[AccessLogEntry], cursor: tuple | None, size: int):
    """Keyset pagination: no OFFSET and no COUNT over a long log. One query; each actor is
    made once however many of the page's entries are theirs. The ORM's way, kept as the
    oracle of access_log_page."""
    if cursor is not None:
        at, pk = cursor
        entries = entries.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    return selectors._log_rows(entries.values_list(*selectors.LOG_ROW_COLUMNS)[: size + 1], size)


WITHHELD = {"goal": {5, 9}, "measure": {7}, "progressnote": set()}


@pytest.fixture
def varied_log(plan, owner, coordinator, stranger):
    now = timezone.now()
    actors = [owner, coordinator, None, stranger]
    # Each actor in the role the app writes them in (the owner's role is the owner's alone:
    # test_only_the_owner_is_logged_in_the_owners_role).
    roles = ["owner", "coordinator", "system", "participant"]
    what = [
        ("read", "goals", ["overview", "goals"], "goal", 5),
        ("update", "measures", ["measures"], "measure", 7),
        ("read", "notes", [], "", None),
        ("export", "goals", ["overview", "goals", "measures"], "goal", 6),
        ("create", "goals", [], "goal", 9),
        ("read", "overview", ["overview"], "measure", None),
    ]
    entries = []
    for i in range(90):
        action, section, sections, object_type, object_id = what[i % len(what)]
        at = now - datetime.timedelta(hours=7 * (i // 2))  # two entries at each time
        entries.append(
            AccessLogEntry(
                plan=plan,
                actor=actors[i % len(actors)],
                actor_role=roles[i % len(actors)],
                organisation_name="Hjemmetjenesten" if i % 3 else "",
                action=action,
                section=section,
                sections=sections,
                object_type=object_type,
                object_id=object_id,
                at=at,
            )
        )
    AccessLogEntry.objects.bulk_create(entries)
    return now


def _plain(rows):
    return [
        (*dataclasses.astuple(dataclasses.replace(r, actor=None)), r.actor_id, str(r.actor or ""))
        for r in rows
    ]


def _filters(owner, coordinator, now):
    today = timezone.localdate(now)
    yield LogFilter()
    yield LogFilter(hide_own=False)
    yield LogFilter(actor_id=coordinator.pk, hide_own=False)
    yield LogFilter(actor_id=owner.pk)
    for section in ("goals", "notes", "overview", "measures"):
        yield LogFilter(section=section)
    yield LogFilter(date_from=today - datetime.timedelta(days=3))
    yield LogFilter(date_to=today - datetime.timedelta(days=2), hide_own=False)
    yield LogFilter(
        actor_id=coordinator.pk,
        section="goals",
        date_from=today - datetime.timedelta(days=10),
        date_to=today - datetime.timedelta(days=1),
    )


def test_it_gives_the_pages_the_orm_gives(
    varied_log, plan, owner, coordinator, guardian, monkeypatch
):
    monkeypatch.setattr(selectors, "withheld_keys", lambda _plan: WITHHELD)
    compared = 0
    for viewer, hides, log_filter in itertools.product(
        [owner, guardian], [False, True], list(_filters(owner, coordinator, varied_log))
    ):
        cursor = None
        for _page in range(4):
            orm = page_after(
                access_log_for_owner(plan, viewer, log_filter, hides_withheld=hides), cursor, 7
            )
            ours = access_log_page(plan, viewer, log_filter, cursor, 7, hides_withheld=hides)
            assert _plain(ours[0]) == _plain(orm[0]) and ours[1] == orm[1], log_filter
            compared += len(orm[0])
            if not orm[1]:
                break
            cursor = (orm[0][-1].at, orm[0][-1].pk)
    assert compared > 500


def test_it_is_one_query(varied_log, plan, owner, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows, has_more = access_log_page(plan, owner, LogFilter(), None, 10)
    assert len(rows) == 10 and has_more
    assert isinstance(rows[0].at, datetime.datetime) and rows[0].at.tzinfo is not None
    assert all(isinstance(r.sections, list) for r in rows)


def test_only_the_owner_is_logged_in_the_owners_role(
    access_plan, child, guardian, coordinator, stranger, case_handler, administrator
):
    """The owner's log leaves out their own entries through the owner's role (the index
    consent_log_plan_others_at): that is only right while nobody else is ever logged in it."""
    everyone = [child, guardian, coordinator, stranger, case_handler, administrator]
    everyone += [access_plan.people[key] for key in ("nurse", "teacher", "expired", "revoked")]
    plan = access_plan
    roles = {user.username: plan_access(user, plan).role for user in everyone}
    assert roles[child.username] == AccessLogEntry.ActorRole.OWNER
    assert roles[guardian.username] == AccessLogEntry.ActorRole.REPRESENTATIVE
    assert roles["nurse"] == AccessLogEntry.ActorRole.PARTICIPANT
    assert [name for name, role in roles.items() if role == "owner"] == [child.username]


def test_the_owners_page_leaves_out_their_own_entries_by_their_role(
    varied_log, plan, owner, coordinator
):
    """The owner's default page says in SQL that the owner's role is left out (so that the
    partial index answers); anyone else's page does not (their own entries go by actor)."""
    with CaptureQueriesContext(connection) as owners:
        access_log_page(plan, owner, LogFilter(), None, 10)
    with CaptureQueriesContext(connection) as others:
        access_log_page(plan, coordinator, LogFilter(), None, 10)
    assert "e.actor_role <> 'owner'" in owners.captured_queries[0]["sql"]
    assert "actor_role <> " not in others.captured_queries[0]["sql"]


def test_each_distinct_list_of_sections_is_read_once_per_page(varied_log, plan, owner, monkeypatch):
    field = selectors._SECTIONS
    real = field.from_db_value
    read = []

    def counting(value, expression, conn):
        read.append(value)
        return real(value, expression, conn)

    monkeypatch.setattr(field, "from_db_value", counting)
    rows, _more = access_log_page(plan, owner, LogFilter(hide_own=False), None, 100)
    assert len(rows) > 50
    assert len(read) == len(set(read)) < len(rows)
    # Rows with the same list share it, and each row reads as the ORM reads it.
    orm = {e.pk: e.sections for e in AccessLogEntry.objects.filter(pk__in=[r.pk for r in rows])}
    assert all(r.sections == orm[r.pk] for r in rows)
