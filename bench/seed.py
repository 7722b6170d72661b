"""Bench data at three scales, fast: S is the demo (`seed_demo`); L adds one large plan for the
demo coordinator; XL adds a municipality's worth of plans, grants, access-log rows and cases.

Bulk inserts (bulk_create in big batches; COPY for the million access-log rows on PostgreSQL)
write rows directly: they are data for reading, not a use of the services. The large plan is
created, consented to and activated through the services like the demo's, so its history and
consent are real; only its bulk content is inserted directly. Run as the owner role: the log
tables are append-only, and their triggers allow INSERT (which is all this does).
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass
from itertools import islice

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Municipality, Organisation, StaffMembership, User
from casework.models import Case
from consent.models import AccessGrant, AccessLogEntry, PlanSection
from consent.models import PlanSectionUserObjectPermission as SectionPermission
from consent.policy import VIEW
from consent.services.consents import plan_consent_give
from plans.models import Goal, Measure, Participant, Plan, ProgressNote
from plans.sections import Action, ActorRole, Section
from plans.services.lifecycle import plan_activate, plan_create

BATCH = 5000
LARGE_OWNER = "bench.stor"


@dataclass(frozen=True)
class LargeCounts:
    goals: int = 40
    measures: int = 250
    notes: int = 2000
    participants: int = 30


@dataclass(frozen=True)
class XLCounts:
    plans: int = 20_000
    grants: int = 200_000
    access_log: int = 1_000_000
    cases: int = 20_000
    coordinators: int = 200
    providers: int = 2000


def _batched(iterable, size=BATCH):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def bulk(model, objects) -> list:
    """bulk_create in batches; returns the saved objects (with primary keys)."""
    saved = []
    for chunk in _batched(objects):
        saved.extend(model.objects.bulk_create(chunk))
    return saved


def copy_rows(model, fields: list[str], rows) -> int:
    """Insert tuples of `fields` values: COPY on PostgreSQL, bulk_create elsewhere."""
    count = 0
    if connection.vendor != "postgresql":
        for chunk in _batched(rows):
            model.objects.bulk_create(
                [model(**dict(zip(fields, row, strict=True))) for row in chunk]
            )
            count += len(chunk)
        return count
    opts = model._meta
    # COPY leaves out no column silently: the other NOT NULL columns get the model's defaults.
    defaults = [
        f
        for f in opts.concrete_fields
        if not f.primary_key and not f.null and f.attname not in fields and f.name not in fields
    ]
    extra = [f.get_default() for f in defaults]
    names = [opts.get_field(f).column for f in fields] + [f.column for f in defaults]
    columns = ", ".join(connection.ops.quote_name(n) for n in names)
    table = connection.ops.quote_name(opts.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = [*row, *extra]
            copy.write_row([json.dumps(v) if isinstance(v, list | dict) else v for v in values])
            count += 1
    return count


def _user(username: str, first: str, last: str, municipality, **extra) -> User:
    return User(
        username=username,
        password="!",  # unusable: nobody logs in as a bench-made person
        first_name=first,
        last_name=last,
        home_municipality=municipality,
        **extra,
    )


def _view_permission() -> Permission:
    return Permission.objects.get(
        codename=VIEW, content_type=ContentType.objects.get_for_model(PlanSection)
    )


def _grant_rows(plan_ids_sections, participants, ends_at, granted_by) -> list[AccessGrant]:
    """One active read grant per (participant, section)."""
    now = timezone.now()
    return [
        AccessGrant(
            plan_id=participant.plan_id,
            participant=participant,
            section=section,
            ends_at=ends_at,
            status=AccessGrant.Status.ACTIVE,
            granted_by_id=granted_by,
            granted_at=now,
            starts_at=now - datetime.timedelta(days=1),
        )
        for participant in participants
        for section in plan_ids_sections
    ]


def _guardian_rows(grants: list[AccessGrant]) -> int:
    """django-guardian's side of each grant: a PlanSection per (plan, section) and a view row."""
    keys = {(g.plan_id, g.section) for g in grants}
    existing = {
        (s.plan_id, s.section): s.pk
        for s in PlanSection.objects.filter(plan_id__in={k[0] for k in keys})
    }
    bulk(PlanSection, [PlanSection(plan_id=p, section=s) for p, s in keys - existing.keys()])
    sections = {
        (s.plan_id, s.section): s.pk
        for s in PlanSection.objects.filter(plan_id__in={k[0] for k in keys})
    }
    users = dict(
        Participant.objects.filter(pk__in={g.participant_id for g in grants}).values_list(
            "pk", "user_id"
        )
    )
    permission = _view_permission()
    return copy_rows(
        SectionPermission,
        ["user_id", "permission_id", "content_object_id", "grant_id"],
        (
            (users[g.participant_id], permission.pk, sections[(g.plan_id, g.section)], g.pk)
            for g in grants
        ),
    )


@transaction.atomic
def seed_large(counts: LargeCounts = LargeCounts(), *, seed: int = 14) -> Plan:
    """One large plan for the demo coordinator (Kari), owned by a new adult citizen."""
    rng = random.Random(seed)
    fjordvik = Municipality.objects.get(slug="fjordvik")
    kari = User.objects.get(username="koordinator")
    owner, _created = User.objects.get_or_create(
        username=LARGE_OWNER,
        defaults={
            "first_name": "Stor",
            "last_name": "Plansen",
            "password": "!",
            "birth_date": datetime.date(1979, 5, 17),
            "home_municipality": fjordvik,
        },
    )
    today = timezone.localdate()
    plan = plan_create(
        owner=owner,
        coordinator=kari,
        municipality=fjordvik,
        period_start=today - datetime.timedelta(days=700),
        period_end=today + datetime.timedelta(days=300),
        next_evaluation=today + datetime.timedelta(days=60),
        acting_user=kari,
    )
    plan_consent_give(plan=plan, acting_user=owner)
    plan = plan_activate(plan=plan, acting_user=kari)

    organisations = list(Organisation.objects.filter(municipality=fjordvik))
    people = bulk(
        User,
        [
            _user(f"bench.deltaker.{i}", "Deltaker", f"Nummer {i}", fjordvik)
            for i in range(counts.participants)
        ],
    )
    participants = bulk(
        Participant,
        [
            Participant(
                plan=plan,
                user=person,
                name=person.get_full_name(),
                role=Participant.Role.SERVICE_PROVIDER,
                organisation=rng.choice(organisations),
                title="Tjenesteyter",
                contribution="Følger opp tiltak i planen.",
            )
            for person in people
        ],
    )
    ends_at = timezone.now() + datetime.timedelta(days=365)
    grants = bulk(
        AccessGrant,
        _grant_rows(
            [Section.GOALS, Section.MEASURES, Section.NOTES], participants, ends_at, owner.pk
        ),
    )
    _guardian_rows(grants)

    top = max(1, counts.goals // 4)
    parents = bulk(
        Goal,
        [
            Goal(
                plan=plan,
                title=f"Hovedmål {i + 1}: jeg vil klare mer selv",
                description="Det som er viktig for meg her.",
                status=rng.choice(Goal.Status.values),
                position=i,
                created_by=kari,
            )
            for i in range(top)
        ],
    )
    subgoals = bulk(
        Goal,
        [
            Goal(
                plan=plan,
                parent=parents[i % top],
                title=f"Delmål {i + 1}",
                status=rng.choice(Goal.Status.values),
                position=i,
                created_by=kari,
            )
            for i in range(counts.goals - top)
        ],
    )
    goals = parents + subgoals
    measures = bulk(
        Measure,
        [
            Measure(
                plan=plan,
                goal=goals[i % len(goals)],
                title=f"Tiltak {i + 1}",
                how="Slik gjøres det, ukentlig.",
                scope="2 timer hver uke",
                organisation=rng.choice(organisations),
                start_date=(start := today - datetime.timedelta(days=rng.randrange(0, 600))),
                deadline=start + datetime.timedelta(days=rng.randrange(30, 900)),
                status=rng.choice(Measure.Status.values),
                position=i,
                created_by=kari,
            )
            for i in range(counts.measures)
        ],
    )
    bulk(
        ProgressNote,
        [
            ProgressNote(
                plan=plan,
                goal=goals[i % len(goals)] if i % 2 else None,
                measure=None if i % 2 else measures[i % len(measures)],
                author=kari,
                noted_on=today - datetime.timedelta(days=rng.randrange(0, 700)),
                text=f"Notat {i + 1}: det går framover, vi fortsetter som avtalt.",
            )
            for i in range(counts.notes)
        ],
    )
    return plan


@transaction.atomic
def seed_xl(counts: XLCounts = XLCounts(), *, seed: int = 14) -> dict[str, int]:
    """Plans for many coordinators in both municipalities (the demo people's own plans and
    cases stay as they are), with participants, grants, access-log rows and cases."""
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    municipalities = list(Municipality.objects.order_by("slug"))
    coordinators = bulk(
        User,
        [
            _user(f"bench.koordinator.{i}", "Koordinator", f"{i}", municipalities[i % 2])
            for i in range(counts.coordinators)
        ],
    )
    bulk(
        StaffMembership,
        [
            StaffMembership(
                user=c, municipality=c.home_municipality, role=StaffMembership.Role.COORDINATOR
            )
            for c in coordinators
        ],
    )
    providers = bulk(
        User,
        [
            _user(f"bench.tjenesteyter.{i}", "Tjenesteyter", f"{i}", municipalities[i % 2])
            for i in range(counts.providers)
        ],
    )
    owners = bulk(
        User,
        [
            _user(
                f"bench.eier.{i}",
                "Eier",
                f"{i}",
                municipalities[i % 2],
                birth_date=datetime.date(1940 + i % 70, 1 + i % 12, 1 + i % 28),
            )
            for i in range(counts.plans)
        ],
    )
    plans = bulk(
        Plan,
        [
            Plan(
                municipality=owner.home_municipality,
                owner=owner,
                coordinator=coordinators[i % counts.coordinators],
                status=Plan.Status.ACTIVE,
                period_start=today - datetime.timedelta(days=rng.randrange(30, 900)),
                period_end=today + datetime.timedelta(days=rng.randrange(30, 900)),
                next_evaluation=today + datetime.timedelta(days=rng.randrange(-30, 180)),
                activated_at=now - datetime.timedelta(days=rng.randrange(30, 900)),
            )
            for i, owner in enumerate(owners)
        ],
    )
    sections = [Section.GOALS, Section.MEASURES]
    per_plan = max(1, counts.grants // (len(sections) * max(1, counts.plans)))
    participants = bulk(
        Participant,
        [
            Participant(
                plan=plan,
                user=providers[(i * per_plan + j) % counts.providers],
                name=f"Tjenesteyter {(i * per_plan + j) % counts.providers}",
                role=Participant.Role.SERVICE_PROVIDER,
            )
            for i, plan in enumerate(plans)
            for j in range(per_plan)
        ],
    )
    grants = bulk(
        AccessGrant,
        _grant_rows(sections, participants, now + datetime.timedelta(days=365), None),
    )
    _guardian_rows(grants)
    log_rows = _xl_access_log(rng, plans, participants, counts.access_log, now)
    cases = _xl_cases(rng, owners, counts.cases, today)
    return {
        "plans": len(plans),
        "participants": len(participants),
        "grants": len(grants),
        "access_log": log_rows,
        "cases": cases,
    }


def _xl_access_log(rng, plans, participants, total: int, now) -> int:
    by_plan: dict[int, list[int]] = {}
    for p in participants:
        by_plan.setdefault(p.plan_id, []).append(p.user_id)

    def rows():
        for i in range(total):
            plan = plans[i % len(plans)]
            readers = by_plan.get(plan.pk)
            if readers and i % 3:
                actor, role = rng.choice(readers), ActorRole.PARTICIPANT
            else:
                actor, role = plan.coordinator_id, ActorRole.COORDINATOR
            yield (
                plan.pk,
                actor,
                role,
                Action.READ,
                Section.GOALS,
                [Section.GOALS, Section.MEASURES],
                [],
                now - datetime.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)),
            )

    return copy_rows(
        AccessLogEntry,
        ["plan_id", "actor_id", "actor_role", "action", "section", "sections", "grant_ids", "at"],
        rows(),
    )


def _xl_cases(rng, owners, total: int, today) -> int:
    """Cases over two years: most decided or closed, one in twenty still open, in every
    municipality (the owners alternate between them, so the open ones are taken in pairs: each
    municipality's case handler has its share of the queue)."""
    closed = [Case.Status.DECIDED, Case.Status.CLOSED]
    open_ = [Case.Status.RECEIVED, Case.Status.ASSESSING]
    cases = []
    for i in range(total):
        received = today - datetime.timedelta(days=rng.randrange(0, 730))
        is_open = i % 40 < 2
        status = rng.choice(open_ if is_open else closed)
        decided = (
            None
            if is_open
            else min(today, received + datetime.timedelta(days=rng.randrange(5, 60)))
        )
        owner = owners[i % len(owners)]
        cases.append(
            Case(
                municipality=owner.home_municipality,
                number=f"B{i:07d}",
                person=owner,
                kind=rng.choice(Case.Kind.values),
                status=status,
                received_on=received,
                submitter_role=Case.SubmitterRole.SELF,
                wants_plan=True,
                wants_coordinator=i % 3 == 0,
                needs="Hjelp til å samordne tjenestene.",
                decided_on=decided,
                closed_on=decided if status == Case.Status.CLOSED else None,
            )
        )
    return len(bulk(Case, cases))
