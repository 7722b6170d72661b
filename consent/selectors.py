"""Reads for consent and access: who has access to what and until when, what is waiting for
the owner, what expires soon, and the owner's view of the access log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Representation, User
from consent.models import AccessGrant, AccessLogEntry, Consent, section_filter
from consent.policy import consents_to_ip, grants_in_force, parents_who_must_consent
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


def access_log_for_owner(
    plan: Plan, viewer, log_filter: LogFilter, *, hides_withheld: bool = False
) -> QuerySet[AccessLogEntry]:
    """Newest first; the (plan, -at, -id) index keeps it fast with 100,000 rows. A parent's
    log leaves out every entry about an item withheld from them (plans/withheld.py)."""
    entries = AccessLogEntry.objects.filter(plan=plan).select_related("actor")
    if hides_withheld:
        for kind, ids in withheld_keys(plan).items():
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
    """Keyset pagination: no OFFSET and no COUNT over a long log."""
    if cursor is not None:
        at, pk = cursor
        entries = entries.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    rows = list(entries[: size + 1])
    return rows[:size], len(rows) > size


def people_in_log(plan: Plan):
    """Who can appear in the filter: the plan's own people, past and present (owner,
    coordinators and proposed successors, participants with an account, the owner's
    representatives). One query: a UNION of small index lookups by plan, then their users by
    primary key, never a scan of every user (5.7 ms at 20,000 plans before, issue 14)."""
    ids = (
        Plan.objects.filter(pk=plan.pk)
        .values("owner_id")
        .union(
            Plan.objects.filter(pk=plan.pk, coordinator__isnull=False).values("coordinator_id"),
            Participant.objects.filter(plan=plan, user__isnull=False).values("user_id").order_by(),
            plan.handovers.values("from_coordinator_id").order_by(),
            plan.handovers.values("to_coordinator_id").order_by(),
            Representation.objects.filter(person_id=plan.owner_id)
            .values("representative_id")
            .order_by(),
        )
        .order_by()
    )
    return (
        User.objects.filter(pk__in=ids)
        .only("first_name", "last_name", "username")
        .order_by("first_name", "last_name", "pk")
    )
