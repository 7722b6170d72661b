"""Reads for consent and access: who has access to what and until when, what is waiting for
the owner, what expires soon, and the owner's view of the access log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.query import RawQuerySet
from django.utils import timezone

from accounts.models import Representation, User
from consent.models import AccessGrant, AccessLogEntry, Consent, section_filter
from consent.policy import consents_to_ip, grants_in_force, parents_who_must_consent
from ipplan.sqlrows import converted_rows
from plans.models import Participant, Plan
from plans.sections import Section
from plans.withheld import withheld_keys

Status = AccessGrant.Status
Action = AccessLogEntry.Action
EXPIRING_SOON_DAYS = 14


def plan_consent_exists() -> Exists:
    """Annotation: the plan has a consent in force (plan health item h): given by everyone who
    must give it, and not withdrawn."""
    return Exists(
        Consent.objects.filter(
            plan=OuterRef("pk"),
            kind=Consent.Kind.PLAN,
            withdrawn_at__isnull=True,
            complete_at__isnull=False,
        )
    )


def plan_consent_exists_sql(plan: str = "plans_plan") -> tuple[str, list]:
    """plan_consent_exists written out as SQL (a condition on the plan table, named `plan` in
    the query, and its parameters) for the lists that build their query by hand."""
    if not plan.isidentifier():
        raise ValueError("The plan table's name in the query is an identifier.")
    return (
        f"EXISTS (SELECT 1 FROM consent_consent c WHERE c.plan_id = {plan}.id AND c.kind = %s"  # noqa: S608 (an identifier, checked above)
        " AND c.withdrawn_at IS NULL AND c.complete_at IS NOT NULL)",
        [Consent.Kind.PLAN],
    )


def active_plan_consent(plan: Plan) -> Consent | None:
    """The consent to the plan in force (everyone who must have consented)."""
    return Consent.objects.filter(
        plan=plan, kind=Consent.Kind.PLAN, withdrawn_at__isnull=True, complete_at__isnull=False
    ).first()


def pending_plan_consent(plan: Plan) -> Consent | None:
    """A consent one parent has given and the other has not yet: not in force."""
    return (
        Consent.objects.filter(
            plan=plan, kind=Consent.Kind.PLAN, withdrawn_at__isnull=True, complete_at__isnull=True
        )
        .prefetch_related("cosignatures")
        .first()
    )


def parents_yet_to_consent(plan: Plan, consent: Consent | None) -> list[User]:
    """The parents with parental responsibility whose consent the pending one still lacks."""
    if consent is None or consent.complete_at is not None:
        return []
    signed = {consent.given_by_id, *(c.given_by_id for c in consent.cosignatures.all())}
    return [
        rep.representative
        for rep in parents_who_must_consent(plan, timezone.localdate())
        if rep.representative_id not in signed
    ]


@dataclass(frozen=True)
class IpConsentState:
    """Where a relay log's consent to an individual plan stands: the consent (None before
    anyone gave it), who gave it so far, and the parents it still waits for."""

    consent: Consent | None
    given_by: list[str]
    waiting_for: list[User]

    @property
    def complete(self) -> bool:
        return self.consent is not None and self.consent.complete_at is not None


def ip_consent_state(plan: Plan) -> IpConsentState:
    """Two queries (the consent with its co-signatures); one when none was given. The parents
    waited for are loaded only while it is incomplete. Kept on the plan instance for the rest
    of the request (the relay log page asks twice: whether it can continue, and what to show);
    the services that change it load the plan afresh."""
    cached = getattr(plan, "_ipplan_ip_consent_state", None)
    if cached is not None:
        return cached
    plan._ipplan_ip_consent_state = state = _ip_consent_state(plan)
    return state


def _ip_consent_state(plan: Plan) -> IpConsentState:
    consent = (
        Consent.objects.filter(plan=plan, kind=Consent.Kind.IP, withdrawn_at__isnull=True)
        .prefetch_related("cosignatures")
        .first()
    )
    if consent is None:
        return IpConsentState(None, [], [])
    cosignatures = list(consent.cosignatures.all())
    given_by = [consent.given_by_name, *(c.given_by_name for c in cosignatures)]
    waiting_for = []
    if consent.complete_at is None:
        signed = {consent.given_by_id, *(c.given_by_id for c in cosignatures)}
        _, deciders = consents_to_ip(plan, timezone.localdate())
        waiting_for = [
            rep.representative
            for rep in deciders
            if rep.kind == Representation.Kind.PARENT and rep.representative_id not in signed
        ]
    return IpConsentState(consent, given_by, waiting_for)


def may_consent_to_ip(plan: Plan, user: User, state: IpConsentState) -> bool:
    """Whether `user` may give (or co-sign) the relay log's consent to an individual plan."""
    if state.complete or user.pk in {
        state.consent and state.consent.given_by_id,
        *(c.given_by_id for c in (state.consent.cosignatures.all() if state.consent else ())),
    }:
        return False
    alone, deciders = consents_to_ip(plan, timezone.localdate())
    if alone:
        return user.pk == plan.owner_id
    return any(rep.representative_id == user.pk for rep in deciders)


def ip_consented_by(*, plan: Plan) -> str:
    """For plans' relay log (plans.extensions.register_ip_consent): the names of those whose
    complete consent to an individual plan is in force, for the history, or ""."""
    if plan.kind != Plan.Kind.RELAY_LOG:
        return ""
    state = ip_consent_state(plan)
    return ", ".join(state.given_by) if state.complete else ""


def consents_for(plan: Plan) -> QuerySet[Consent]:
    return Consent.objects.filter(plan=plan).select_related(
        "participant", "given_by", "recorded_by"
    )


def consent_history(plan: Plan) -> list[Consent]:
    """Every consent record of the plan, oldest first, for its archive copy: to the plan and to
    sharing, given, co-signed, withdrawn and replaced, with who gave it and who recorded it.
    Two queries, whatever the number of consents."""
    return list(
        Consent.objects.filter(plan=plan)
        .select_related("participant", "recorded_by", "withdrawn_by", "replaced_by")
        .prefetch_related("cosignatures")
        .order_by("given_at", "pk")
    )


def last_day(ends_at: datetime.datetime | None) -> datetime.date | None:
    if ends_at is None:
        return None
    return (timezone.localtime(ends_at) - datetime.timedelta(microseconds=1)).date()


@dataclass
class ParticipantAccess:
    participant: Participant
    active: list[AccessGrant] = field(default_factory=list)
    proposed: list[AccessGrant] = field(default_factory=list)
    now: datetime.datetime = field(default_factory=timezone.now)

    @property
    def in_force(self) -> list[AccessGrant]:
        return [g for g in self.active if g.in_force(self.now)]

    @property
    def expired(self) -> list[AccessGrant]:
        return [g for g in self.active if g.ends_at <= self.now]

    @property
    def ends_at(self) -> datetime.datetime | None:
        return min((g.ends_at for g in self.in_force), default=None)

    @property
    def last_day(self) -> datetime.date | None:
        """Access lasts *through* this day (it ends at the following midnight)."""
        return last_day(self.ends_at)

    @property
    def proposed_last_day(self) -> datetime.date | None:
        return last_day(min((g.ends_at for g in self.proposed), default=None))

    @property
    def is_coordinator(self) -> bool:
        return self.participant.user_id is not None and (
            self.participant.user_id == self.participant.plan.coordinator_id
        )

    @property
    def expiring_soon(self) -> bool:
        ends = self.ends_at
        return ends is not None and ends - self.now <= datetime.timedelta(days=EXPIRING_SOON_DAYS)

    def level(self, section: str) -> str | None:
        for grant in self.in_force:
            if grant.section == section:
                return "write" if grant.can_write else "read"
        return None

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(section label, "read" or "write") in the plan's order, for plain-language lists."""
        levels = {g.section: ("write" if g.can_write else "read") for g in self.in_force}
        return [(str(label), levels[value]) for value, label in Section.choices if value in levels]


def access_overview(plan: Plan) -> list[ParticipantAccess]:
    """Every active participant with what they may see now and what is proposed, two queries."""
    rows = {
        p.pk: ParticipantAccess(participant=p)
        for p in Participant.objects.filter(plan=plan, is_active=True).select_related(
            "organisation", "user", "plan"
        )
    }
    grants = AccessGrant.objects.filter(
        plan=plan, status__in=[Status.ACTIVE, Status.PROPOSED], participant__is_active=True
    )
    for grant in grants:
        row = rows.get(grant.participant_id)
        if row is not None:
            (row.active if grant.status == Status.ACTIVE else row.proposed).append(grant)
    return list(rows.values())


def participant_access(participant: Participant) -> ParticipantAccess:
    """One participant's row of the access overview: access now and what is proposed."""
    row = ParticipantAccess(participant=participant)
    for grant in AccessGrant.objects.filter(
        participant=participant, status__in=[Status.ACTIVE, Status.PROPOSED]
    ):
        (row.active if grant.status == Status.ACTIVE else row.proposed).append(grant)
    return row


def grants_expiring_within(*, days: int = EXPIRING_SOON_DAYS, now=None) -> QuerySet[AccessGrant]:
    """Grants in force that end within `days` and have not been reminded about (for
    coordination's reminders)."""
    now = now or timezone.now()
    return AccessGrant.objects.filter(
        grants_in_force(now, prefix=""),
        ends_at__lte=now + datetime.timedelta(days=days),
        reminded_at__isnull=True,
    ).select_related("plan__owner", "plan__coordinator", "participant")


@dataclass(frozen=True)
class LogFilter:
    actor_id: int | None = None
    section: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    hide_own: bool = True


ACTOR_ROLES = dict(AccessLogEntry.ActorRole.choices)


@dataclass(frozen=True, slots=True, eq=False)
class LogRow:
    """One entry as the owner's log tells it: the columns it shows, read as plain values, and
    its actor with a name only. A page of 100 entries built as model instances with their users
    cost more CPU than the query itself (issue 14)."""

    pk: int
    at: datetime.datetime
    actor: User | None
    actor_role: str
    organisation_name: str
    action: str
    section: str
    sections: list[str]

    @property
    def actor_id(self) -> int | None:
        return self.actor.pk if self.actor is not None else None

    @property
    def section_values(self) -> list[str]:
        return list(self.sections) or [self.section]

    def get_actor_role_display(self) -> str:
        return str(ACTOR_ROLES.get(self.actor_role, self.actor_role))


LOG_ROW_COLUMNS = (
    "pk",
    "at",
    "actor_role",
    "organisation_name",
    "action",
    "section",
    "sections",
    "actor_id",
    "actor__username",
    "actor__first_name",
    "actor__last_name",
)


def _log_rows(rows, size: int) -> tuple[list[LogRow], bool]:
    actors: dict[int | None, User | None] = {None: None}
    page = []
    for *columns, actor_id, username, first_name, last_name in rows:
        actor = actors.get(actor_id, actors)
        if actor is actors:
            actor = actors[actor_id] = User(
                pk=actor_id, username=username, first_name=first_name, last_name=last_name
            )
        page.append(LogRow(columns[0], columns[1], actor, *columns[2:]))
    return page[:size], len(page) > size


# The owner's log page in one hand-written query: composing and compiling the ORM's query cost
# more CPU than running it on every view of the log (issue 14). The same conditions in the same
# order; the section filter (JSON matched as text, which the two databases spell differently) is
# the ORM's own condition as a subquery, paid for only when a section is chosen.
LOG_PAGE_SQL = """
SELECT e.id, e.at, e.actor_role, e.organisation_name, e.action, e.section, e.sections,
       e.actor_id, u.username, u.first_name, u.last_name
FROM consent_accesslogentry e LEFT JOIN accounts_user u ON u.id = e.actor_id
WHERE e.plan_id = %s{conditions}
ORDER BY e.at DESC, e.id DESC
LIMIT %s
"""
_LOG_FIELDS = ("id", "at", "actor_role", "organisation_name", "action", "section")
_LOG_COLUMNS = tuple(AccessLogEntry._meta.get_field(name) for name in _LOG_FIELDS)
_SECTIONS = AccessLogEntry._meta.get_field("sections")


def access_log_page(
    plan: Plan,
    viewer,
    log_filter: LogFilter,
    cursor: tuple | None,
    size: int,
    *,
    hides_withheld: bool = False,
) -> tuple[list[LogRow], bool]:
    """One page of the plan's log after `cursor`, and whether more
    follow: one hand-written query."""
    conditions, params = [], [plan.pk]
    at = connection.ops.adapt_datetimefield_value
    if hides_withheld:
        for kind, ids in withheld_keys(plan).items():
            if ids:
                conditions.append(
                    "NOT (e.object_type = %s AND e.object_id IS NOT NULL"
                    f" AND e.object_id IN ({', '.join(['%s'] * len(ids))}))"
                )
                params += [kind, *sorted(ids)]
    if log_filter.actor_id:
        conditions.append("e.actor_id = %s")
        params.append(log_filter.actor_id)
    if log_filter.section:
        chosen = AccessLogEntry.objects.filter(section_filter(log_filter.section), plan=plan)
        sql, section_params = chosen.values("id").query.sql_with_params()
        conditions.append(f"e.id IN ({sql})")
        params += section_params
    if log_filter.hide_own:
        conditions.append("(e.actor_id IS NULL OR e.actor_id <> %s)")
        params.append(viewer.pk)
        if viewer.pk == plan.owner_id:
            # The same entries (the owner's role is the owner's alone), stated so that the
            # partial index consent_log_plan_others_at answers: a constant, never a parameter.
            conditions.append(f"e.actor_role <> '{AccessLogEntry.ActorRole.OWNER.value}'")
    tz = timezone.get_current_timezone()
    if log_filter.date_from:
        conditions.append("e.at >= %s")
        params.append(at(datetime.datetime.combine(log_filter.date_from, datetime.time.min, tz)))
    if log_filter.date_to:
        end = log_filter.date_to + datetime.timedelta(days=1)
        conditions.append("e.at < %s")
        params.append(at(datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)))
    if cursor is not None:
        conditions.append("(e.at < %s OR (e.at = %s AND e.id < %s))")
        params += [at(cursor[0]), at(cursor[0]), cursor[1]]
    sql = LOG_PAGE_SQL.format(conditions="".join(f" AND {c}" for c in conditions))
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.cursor() as db_cursor:
        db_cursor.execute(sql, [*params, size + 1])
        rows = db_cursor.fetchall()
    n = len(_LOG_COLUMNS)
    values = converted_rows(conn, _LOG_COLUMNS, (row[:n] for row in rows))
    # The sections (JSON) recur: a page of entries holds a handful of different lists. Each
    # is read once, by the field's own converter, and shared by its rows (LogRow is frozen, and
    # section_values hands out a copy).
    sections: dict = {}
    whole = (
        [*columns, _sections(conn, sections, row[n]), *row[n + 1 :]]
        for columns, row in zip(values, rows, strict=True)
    )
    return _log_rows(whole, size)


def _sections(conn, known: dict, raw):
    value = known.get(raw, known)
    if value is known:
        value = known[raw] = _SECTIONS.from_db_value(raw, None, conn)
    return value


# The plan's own people, past and present, as a UNION of small index lookups by plan (never a
# scan of every user: 5.7 ms at 20,000 plans, issue 14), then their users by primary key. Written
# out once rather than composed from six querysets: composing and compiling that UNION cost
# 1.4 ms of CPU on every view of the log, running it 0.1 ms. Constant text, values as parameters.
PEOPLE_IN_LOG_SQL = """
SELECT id, username, first_name, last_name FROM accounts_user WHERE id IN (
    SELECT owner_id FROM plans_plan WHERE id = %(plan)s
    UNION SELECT coordinator_id FROM plans_plan WHERE id = %(plan)s
    UNION SELECT user_id FROM plans_participant WHERE plan_id = %(plan)s
    UNION SELECT from_coordinator_id FROM plans_coordinatorhandover WHERE plan_id = %(plan)s
    UNION SELECT to_coordinator_id FROM plans_coordinatorhandover WHERE plan_id = %(plan)s
    UNION SELECT representative_id FROM accounts_representation WHERE person_id = %(owner)s
)
ORDER BY first_name, last_name, id
"""


def people_in_log(plan: Plan) -> RawQuerySet[User]:
    """Who can appear in the filter: the plan's own people, past and present (owner,
    coordinators and proposed successors, participants with an account, the owner's
    representatives). One query; users come with their names only."""
    return User.objects.raw(PEOPLE_IN_LOG_SQL, {"plan": plan.pk, "owner": plan.owner_id})
