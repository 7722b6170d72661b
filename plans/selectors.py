"""Reads of plans, permission-aware: every function takes the access it reads for, and leaves
out what that access may not read. The page, the PDF and the archive all read through here,
with a fixed number of queries whatever the size of the plan."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffMembership, User
from accounts.roles import represented_people_ids
from ipplan.sqlrows import hand_page
from plans.access import (
    plan_consent_exists,
    plan_consent_exists_sql,
    plans_visible_filter,
    plans_visible_sql,
)
from plans.extensions import ip_grounds
from plans.health import (
    HealthFacts,
    HealthItem,
    evaluation_is_overdue,
    missing_count,
    missing_items,
    plan_health,
)
from plans.models import (
    ArchiveRecord,
    CooperationNeed,
    CoordinatorHandover,
    Goal,
    Measure,
    Participant,
    Plan,
    PlanChange,
    PlanDeletion,
    ProgressNote,
    SubPlan,
)
from plans.sections import OVERVIEW, Section
from plans.withheld import WITHHOLDING_MARK, may_withhold, visible, withheld_keys

if TYPE_CHECKING:
    from consent.access import PlanAccess

# More measures than this in a plan and the plan page folds each goal's measures.
COLLAPSE_MEASURES_OVER = 30
OPEN_MEASURE = Q(status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING])


_OWNER_SIDE_SQL = """
SELECT p.id, p.owner_id, p.coordinator_id, p.kind, p.status,
       o.username, o.first_name, o.last_name, c.username, c.first_name, c.last_name
FROM plans_plan p
JOIN accounts_user o ON o.id = p.owner_id
LEFT JOIN accounts_user c ON c.id = p.coordinator_id
WHERE p.owner_id IN ({people}) AND p.status <> %s
ORDER BY o.first_name, p.id
"""
_PERSON_FIELDS = ("id", "username", "first_name", "last_name")


def plans_for_owner_side(*, user) -> list[Plan]:
    """The user's own open plan and the open plans of people they act for, with what the home
    page's cards show: the kind, the status and the two people's names. Written by hand (one
    query, as before; the ORM's select_related and only() cost more to build than to run)."""
    people = sorted({user.pk, *represented_people_ids(user)})
    sql = _OWNER_SIDE_SQL.format(people=", ".join(["%s"] * len(people)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*people, Plan.Status.CLOSED])
        rows = cursor.fetchall()
    db, plans = connection.alias, []
    for pk, owner_id, coordinator_id, kind, status, *names in rows:
        plan = Plan.from_db(
            db,
            ("id", "owner_id", "coordinator_id", "kind", "status"),
            (pk, owner_id, coordinator_id, kind, status),
        )
        plan.owner = User.from_db(db, _PERSON_FIELDS, (owner_id, *names[:3]))
        if coordinator_id is not None:
            plan.coordinator = User.from_db(db, _PERSON_FIELDS, (coordinator_id, *names[3:]))
        plans.append(plan)
    return plans


# --- One plan -----------------------------------------------------------------------------


@dataclass
class GoalView:
    goal: Goal
    measures: list[Measure] = field(default_factory=list)
    subgoals: list[GoalView] = field(default_factory=list)

    @property
    def progress(self) -> tuple[int, int]:
        """(done, total) over the goal's sub-goals and its own measures together: the bar is
        full only when every sub-goal is reached and every measure is completed, so it never
        says "done" while work under the goal is still going on."""
        sub_done, sub_total = self.subgoal_progress
        measures_done, measures_total = self.measure_progress
        return sub_done + measures_done, sub_total + measures_total

    @property
    def subgoal_progress(self) -> tuple[int, int]:
        done = sum(1 for g in self.subgoals if g.goal.status == Goal.Status.ACHIEVED)
        return done, len(self.subgoals)

    @property
    def measure_progress(self) -> tuple[int, int]:
        done = sum(1 for m in self.measures if m.status == Measure.Status.COMPLETED)
        return done, len(self.measures)


@dataclass
class CoordinatorContact:
    name: str
    title: str
    organisation: str
    phone: str
    email: str


@dataclass
class PlanOverview:
    plan: Plan
    access: PlanAccess
    coordinator: CoordinatorContact | None = None
    goals: list[GoalView] | None = None
    loose_measures: list[Measure] | None = None
    participants: list[Participant] | None = None
    cooperation: list[CooperationNeed] | None = None
    subplans: list[SubPlan] | None = None
    notes: list[ProgressNote] | None = None
    note_count: int = 0
    health: list[HealthItem] | None = None
    # For the coordinator of a record that is not yet an individual plan: what grants one.
    ip_grounds: list[str] = field(default_factory=list)
    # When the newest archive copy was made (the key facts say "lagret <date>").
    last_archive_at: datetime.datetime | None = None
    pending_handover: CoordinatorHandover | None = None
    # Whether the owner can log in already (the coordinator's link to make a login): the plan
    # page's facts only; None elsewhere.
    owner_has_login: bool | None = None
    # A large plan shows each goal's measures folded (<details>): see COLLAPSE_MEASURES_OVER.
    collapse_measures: bool = False
    # The coordinator of a child aged 12-16 may keep items from the parents (plans/withheld.py).
    withhold_links: bool = False
    # A relay log's current BTI level: the highest among its open measures the viewer sees.
    bti_level: int | None = None
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def bti_level_label(self) -> str:
        return Measure.BtiLevel(self.bti_level).label if self.bti_level is not None else ""

    @property
    def sections_shown(self) -> list[str]:
        """The sections this overview holds, in the plan's order: what the access log names
        for the PDF (and the plan page) made from it."""
        access = self.access
        loaded = {
            Section.ABOUT_ME: access.can_read(Section.ABOUT_ME),
            Section.GOALS: self.goals is not None,
            Section.MEASURES: access.can_read(Section.MEASURES)
            and (self.loose_measures is not None or self.goals is not None),
            Section.NOTES: self.notes is not None,
            Section.DOCUMENTS: self.subplans is not None,
            Section.PARTICIPANTS: self.participants is not None,
        }
        return [section for section in Section.values if loaded.get(section)]

    @property
    def responsibility_group(self) -> list[Participant]:
        """The ansvarsgruppe: the services around the person, and the coordinator."""
        return [p for p in self.participants or [] if p.in_responsibility_group]

    @property
    def others_taking_part(self) -> list[Participant]:
        """Relatives and others who take part, listed apart from the services."""
        return [p for p in self.participants or [] if not p.in_responsibility_group]

    @property
    def health_missing(self) -> int:
        return missing_count(self.health or [])

    @property
    def measures(self) -> list[Measure]:
        return [m for g in self._all_goals() for m in g.measures] + (self.loose_measures or [])

    @property
    def own_contributions(self) -> list[Measure]:
        return [m for m in self.measures if m.is_own_contribution]

    def _all_goals(self):
        for view in self.goals or []:
            yield view
            yield from view.subgoals


def _coordinator_contact(plan: Plan, facts: dict | None = None) -> CoordinatorContact | None:
    """`facts`: the plan page's answers (plans.page_facts) instead of a query."""
    if plan.coordinator is None:
        return None
    if facts is not None:
        title, organisation, organisation_phone = (
            facts["coordinator_title"],
            facts["coordinator_organisation"],
            facts["coordinator_organisation_phone"],
        )
    else:
        # Three columns, not two model instances: the page's CPU is mostly the ORM's.
        title, organisation, organisation_phone = (
            StaffMembership.objects.filter(
                user_id=plan.coordinator_id,
                municipality_id=plan.municipality_id,
                role=StaffMembership.Role.COORDINATOR,
            )
            .values_list("title", "organisation__name", "organisation__phone")
            .first()
        ) or ("", None, None)
    return CoordinatorContact(
        name=plan.coordinator.display_name,
        title=title or "",
        organisation=organisation or "",
        phone=plan.coordinator.phone or organisation_phone or "",
        email=plan.coordinator.email,
    )


def _goal_tree(plan: Plan, access: PlanAccess, with_measures: bool) -> list[GoalView]:
    views = {g.pk: GoalView(goal=g) for g in visible(Goal.objects.filter(plan=plan), access)}
    if with_measures:
        measures = visible(Measure.objects.filter(plan=plan), access).select_related(
            "organisation", "responsible"
        )
        for measure in measures:
            views[measure.goal_id].measures.append(measure)
    roots = []
    for view in views.values():
        if view.goal.parent_id is None:
            roots.append(view)
        else:
            views[view.goal.parent_id].subgoals.append(view)
    return roots


def health_facts_from_database(plan: Plan, access: PlanAccess, today) -> HealthFacts:
    """Plan health counted by the database in one query, over what the reader's access shows
    of the plan (the same items the page lists: goals when the goals section is readable,
    measures when the measures section is, participants and cooperation with the
    participants section; withheld items left out for whom they are withheld from). The page
    needs no goal, measure or participant loaded for it, so a page whose parts come from the
    fragment cache loads none."""
    can = access.can_read
    goals = visible(Goal.objects.all(), access) if can(Section.GOALS) else Goal.objects.none()
    if can(Section.MEASURES):
        measures = visible(Measure.objects.all(), access)
    else:
        measures = Measure.objects.none()
    open_measures = measures.filter(OPEN_MEASURE)
    service_measures = open_measures.filter(is_own_contribution=False)
    if can(Section.PARTICIPANTS):
        participants = Participant.objects.filter(is_active=True)
        cooperation = CooperationNeed.objects.all()
    else:
        participants, cooperation = Participant.objects.none(), CooperationNeed.objects.none()
    without_contribution = participants.filter(contribution="")
    if can(Section.MEASURES):
        # A participant responsible for a measure the reader sees contributes through it.
        without_contribution = without_contribution.exclude(
            Exists(measures.filter(responsible=OuterRef("pk")))
        )
    counts = (
        Plan.objects.filter(pk=plan.pk)
        .annotate(
            n_goals=_count(goals),
            n_measures=_count(measures),
            n_participants=_count(participants),
            n_participants_without_contribution=_count(without_contribution),
            n_missing_responsible=_count(service_measures.filter(responsible__isnull=True)),
            n_missing_deadline=_count(service_measures.filter(deadline__isnull=True)),
            n_missing_how=_count(open_measures.filter(how="")),
            n_overdue=_count(open_measures.filter(deadline__lt=today)),
            n_cooperation=_count(cooperation),
            has_consent=plan_consent_exists(),
        )
        .values(*HEALTH_COUNTS)
        .get()
    )
    return _health_facts(plan, counts, today)


def _decide_measure_rows(
    measures: list[Measure], access: PlanAccess, today, withhold_links: bool = False
) -> None:
    """What each measure's row on the page needs, decided once here instead of by template
    logic repeated for each of a large plan's hundreds of measures."""
    # One reverse() for the page, not one per measure ("…/tiltak/<id>/").
    edit_prefix = reverse("plans:measure_edit", args=[access.plan.pk, 0]).removesuffix("0/")
    for m in measures:
        m.edit_url = f"{edit_prefix}{m.pk}/"
        m.withhold_url = f"{edit_prefix}{m.pk}/skjerm/" if withhold_links else ""
        m.overdue = bool(m.is_open and m.deadline and m.deadline < today)
        if m.status == Measure.Status.COMPLETED:
            m.tag_color = "success"
        elif m.status == Measure.Status.STOPPED:
            m.tag_color = "neutral"
        else:
            m.tag_color = "danger" if m.overdue else "info"
        m.editable = access.can_edit(m)


def plan_overview(
    plan: Plan,
    access: PlanAccess,
    *,
    notes_limit: int | None = 5,
    from_cache=(),
    facts: dict | None = None,
) -> PlanOverview:
    """Everything the viewer may see of one plan. `notes_limit=None` loads every note (PDF).

    `from_cache` names the plan page's parts (plans.fragments.PAGE_PARTS) the page has
    rendered from the fragment cache: their items are not loaded, and the overview holds an
    empty list for them (the section is shown; its content comes from the cache).

    `facts` (the plan page): plans.page_facts' answers stand in for the small reads of the
    coordinator's service, the newest archive copy and a pending handover."""
    overview = PlanOverview(plan=plan, access=access)
    overview.coordinator = _coordinator_contact(plan, facts)
    can = access.can_read
    if can(Section.GOALS) and "goals" in from_cache:
        overview.goals = []
    elif can(Section.GOALS):
        overview.goals = _goal_tree(plan, access, with_measures=can(Section.MEASURES))
    elif can(Section.MEASURES):
        # Measures without the goals section: listed on their own, no goal titles shown.
        overview.loose_measures = list(
            visible(Measure.objects.filter(plan=plan), access)
            .select_related("organisation", "responsible")
            .order_by("goal__position", "position", "pk")
        )
    if can(Section.PARTICIPANTS):
        overview.cooperation = _unless_cached(
            "cooperation", from_cache, lambda: CooperationNeed.objects.filter(plan=plan)
        )
        overview.participants = _unless_cached(
            "participants",
            from_cache,
            lambda: Participant.objects.filter(plan=plan, is_active=True).select_related(
                "organisation"
            ),
        )
    if can(Section.DOCUMENTS):
        overview.subplans = _unless_cached(
            "documents", from_cache, lambda: SubPlan.objects.filter(plan=plan)
        )
    if can(Section.NOTES) and "notes" in from_cache:
        overview.notes = []
    elif can(Section.NOTES):
        notes = notes_for(plan, access)
        overview.notes = list(notes[:notes_limit] if notes_limit else notes)
        overview.note_count = (
            len(overview.notes)
            if notes_limit is None
            else visible(ProgressNote.objects.filter(plan=plan), access).count()
        )
    overview.withhold_links = access.can_withhold and may_withhold(plan, overview.today)
    measures = overview.measures
    _decide_measure_rows(measures, access, overview.today, overview.withhold_links)
    if plan.kind == Plan.Kind.RELAY_LOG:
        overview.bti_level = max(
            (m.bti_level for m in measures if m.is_open and m.bti_level is not None),
            default=None,
        )
    overview.collapse_measures = len(measures) > COLLAPSE_MEASURES_OVER
    if facts is not None:
        overview.last_archive_at = facts["last_archive_at"]
        overview.owner_has_login = facts.get("owner_has_login")
    else:
        overview.last_archive_at = (
            ArchiveRecord.objects.filter(plan=plan)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
    if access.is_coordinator:
        overview.pending_handover = _pending_handover(plan, facts)
        if plan.kind_info.is_individual_plan and "health" in from_cache:
            overview.health = []
        elif plan.kind_info.is_individual_plan:
            overview.health = plan_health(health_facts_from_database(plan, access, overview.today))
        else:
            overview.ip_grounds = ip_grounds(plan)
    return overview


def _pending_handover(plan: Plan, facts: dict | None) -> CoordinatorHandover | None:
    """The coordinator's proposed handover; with the page's facts, read only when they found
    one (rare)."""
    if facts is not None and facts["pending_handover_id"] is None:
        return None
    handovers = CoordinatorHandover.objects.filter(
        plan=plan, status=CoordinatorHandover.Status.PROPOSED
    ).select_related("to_coordinator")
    if facts is not None:
        handovers = handovers.filter(pk=facts["pending_handover_id"])
    return handovers.first()


def _unless_cached(part: str, from_cache, rows) -> list:
    """The part's rows, or an empty list when the page has the part from the cache."""
    return [] if part in from_cache else list(rows())


def plan_as_saved(plan: Plan) -> Plan:
    """The plan as it is in the database now (after someone else's save), to show a conflict;
    only for a plan the view has already loaded through its loader."""
    return Plan.objects.get(pk=plan.pk)


def notes_for(
    plan: Plan, access: PlanAccess, *, goal_id=None, measure_id=None
) -> QuerySet[ProgressNote]:
    notes = visible(ProgressNote.objects.filter(plan=plan), access).select_related(
        "author", "goal", "measure"
    )
    if goal_id:
        notes = notes.filter(Q(goal_id=goal_id) | Q(measure__goal_id=goal_id))
    if measure_id:
        notes = notes.filter(measure_id=measure_id)
    return notes


def history_for(plan: Plan, access: PlanAccess) -> QuerySet[PlanChange]:
    """The change history, limited to the sections the viewer may read: an entry whose text
    names another section's item is shown only to readers of that section too."""
    sections = [OVERVIEW, *access.read]
    changes = PlanChange.objects.filter(plan=plan, section__in=sections)
    for section in sorted(set(Section.values) - set(access.read)):
        changes = changes.exclude(mentions__contains=PlanChange.mention_marker(section))
    if access.hides_withheld:
        changes = _without_withheld_changes(plan, changes)
    return changes.select_related("actor")


# The sections whose history entries name goals, measures and notes.
ITEM_SECTIONS = (Section.GOALS, Section.MEASURES, Section.NOTES)


def _without_withheld_changes(plan: Plan, changes: QuerySet[PlanChange]) -> QuerySet[PlanChange]:
    """Leave out every entry that names a withheld item. Entries written before entries named
    their items cannot be told apart, so while anything is withheld they are left out too."""
    changes = changes.exclude(items__contains=PlanChange.item_marker(WITHHOLDING_MARK))
    keys = [f"{kind}:{pk}" for kind, ids in withheld_keys(plan).items() for pk in sorted(ids)]
    if not keys:
        return changes
    for key in keys:
        changes = changes.exclude(items__contains=PlanChange.item_marker(key))
    return changes.exclude(items="", section__in=ITEM_SECTIONS)


# --- The coordinator's list -----------------------------------------------------------------


HEALTH_COUNTS = (
    "n_goals",
    "n_measures",
    "n_participants",
    "n_participants_without_contribution",
    "n_missing_responsible",
    "n_missing_deadline",
    "n_missing_how",
    "n_overdue",
    "n_cooperation",
    "has_consent",
)


def _count(queryset) -> Coalesce:
    counted = queryset.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1]), Value(0), output_field=IntegerField())


# What the coordinator's list and the home page show of a plan and its owner, and what plan
# health reads from the plan row itself: the other columns are left in the database.
LISTED_PLAN_FIELDS = (
    "kind",
    "status",
    "next_evaluation",
    "close_requested_at",
    "coordinator",
    "period_start",
    "period_end",
    "what_matters",
    "resources",
    "needs",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def plans_coordinated_by(*, user, include_closed: bool = False) -> QuerySet[Plan]:
    """The plans the user coordinates, in the list's order, without plan health (the home
    page lists them by name, status and evaluation date only)."""
    plans = (
        Plan.objects.filter(plans_visible_filter(user), coordinator=user)
        .select_related("owner")
        .only(*LISTED_PLAN_FIELDS)
        .order_by("owner__last_name", "owner__first_name", "pk")
    )
    if not include_closed:
        plans = plans.exclude(status=Plan.Status.CLOSED)
    return plans


_COORDINATED_SQL = """
SELECT p.id, p.owner_id, p.kind, p.status, p.next_evaluation,
       o.username, o.first_name, o.last_name, COUNT(*) OVER ()
FROM plans_plan p JOIN accounts_user o ON o.id = p.owner_id
WHERE p.coordinator_id = %s AND p.status <> %s AND {visible}
ORDER BY o.last_name, o.first_name, p.id
LIMIT %s
"""


def plans_coordinated_first(*, user, limit: int) -> tuple[list[Plan], int]:
    """The first `limit` open plans the user coordinates (those plans_coordinated_by lists, in
    its order) with their owners' names, and how many there are in all, in one hand-written
    query: the home page lists them by name, kind, status and evaluation date."""
    visible, visible_params = plans_visible_sql(user, plan="p")
    with connection.cursor() as cursor:
        cursor.execute(
            _COORDINATED_SQL.format(visible=visible),
            [user.pk, Plan.Status.CLOSED, *visible_params, limit],
        )
        rows = cursor.fetchall()
    db, plans = connection.alias, []
    for pk, owner_id, kind, status, next_evaluation, *names, _total in rows:
        plan = Plan.from_db(
            db,
            ("id", "owner_id", "kind", "status", "next_evaluation"),
            (pk, owner_id, kind, status, next_evaluation),
        )
        plan.owner = User.from_db(db, _PERSON_FIELDS, (owner_id, *names))
        plans.append(plan)
    return plans, rows[0][-1] if rows else 0


def _health_facts(plan: Plan, counts: dict, today: datetime.date) -> HealthFacts:
    return HealthFacts(
        has_coordinator=plan.coordinator_id is not None,
        has_period=bool(plan.period_start and plan.period_end),
        has_evaluation_date=plan.next_evaluation is not None,
        evaluation_overdue=evaluation_is_overdue(plan.next_evaluation, today),
        has_about_me=bool(plan.what_matters or plan.resources or plan.needs),
        goal_count=counts["n_goals"],
        participant_count=counts["n_participants"],
        participants_without_contribution=counts["n_participants_without_contribution"],
        measure_count=counts["n_measures"],
        open_measures_missing_responsible=counts["n_missing_responsible"],
        open_measures_missing_deadline=counts["n_missing_deadline"],
        open_measures_missing_how=counts["n_missing_how"],
        overdue_measures=counts["n_overdue"],
        cooperation_count=counts["n_cooperation"],
        consent_recorded=counts["has_consent"],
    )


@dataclass
class PlanListRow:
    """One row of the coordinator's list, with what the template shows worked out once here."""

    plan: Plan
    url: str
    kind_label: str  # empty for an individual plan
    status: str
    # How many of the nine items are missing; None for kinds that have no plan health.
    missing: int | None
    overdue_measures: int
    evaluation_overdue: bool
    facts: HealthFacts

    @property
    def health(self) -> list[HealthItem]:
        """The nine items with their texts, built only when asked for (the list shows the count)."""
        return plan_health(self.facts) if self.missing is not None else []

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.missing
            or self.overdue_measures
            or self.evaluation_overdue
            or self.plan.close_requested_at
        )


# The coordinator's list in one hand-written query: the page's plans (under the same
# visibility rule as plans_visible_filter, from the policy), how many there are in all (a
# window count, so no COUNT query of its own), and their plan health counted per table for
# that page's plans only. Building it with the ORM cost about four times the floor view's
# CPU; the parameters are always passed apart from the text.
_LIST_SQL = """
WITH page AS (
    SELECT p.id, p.owner_id, p.coordinator_id, p.kind, p.status, p.period_start, p.period_end,
           p.next_evaluation, p.close_requested_at, p.what_matters, p.resources, p.needs,
           o.username, o.first_name, o.last_name, {consent} AS has_consent,
           COUNT(*) OVER () AS total
    FROM plans_plan p JOIN accounts_user o ON o.id = p.owner_id
    WHERE p.coordinator_id = %s AND {visible} {open_only}
    ORDER BY o.last_name, o.first_name, p.id
    LIMIT %s OFFSET %s
)
SELECT page.*,
       (SELECT COUNT(*) FROM plans_goal g WHERE g.plan_id = page.id),
       (SELECT COUNT(*) FROM plans_cooperationneed c WHERE c.plan_id = page.id),
       m.n, m.missing_responsible, m.missing_deadline, m.missing_how, m.overdue,
       pt.n, pt.without_contribution, pt.without_contribution_or_measure
FROM page
LEFT JOIN (
    SELECT m.plan_id, COUNT(*) AS n,
           SUM(CASE WHEN m.status IN (%s, %s) AND NOT m.is_own_contribution
                     AND m.responsible_id IS NULL THEN 1 ELSE 0 END) AS missing_responsible,
           SUM(CASE WHEN m.status IN (%s, %s) AND NOT m.is_own_contribution
                     AND m.deadline IS NULL THEN 1 ELSE 0 END) AS missing_deadline,
           SUM(CASE WHEN m.status IN (%s, %s) AND m.how = %s THEN 1 ELSE 0 END) AS missing_how,
           SUM(CASE WHEN m.status IN (%s, %s) AND m.deadline < %s THEN 1 ELSE 0 END) AS overdue
    FROM plans_measure m WHERE m.plan_id IN (SELECT id FROM page) GROUP BY m.plan_id
) m ON m.plan_id = page.id
LEFT JOIN (
    SELECT pt.plan_id, COUNT(*) AS n,
           SUM(CASE WHEN pt.contribution = %s AND NOT EXISTS (
                   SELECT 1 FROM plans_measure r WHERE r.responsible_id = pt.id
               ) THEN 1 ELSE 0 END) AS without_contribution,
           SUM(CASE WHEN pt.contribution = %s THEN 1 ELSE 0 END) AS without_contribution_or_measure
    FROM plans_participant pt
    WHERE pt.is_active AND pt.plan_id IN (SELECT id FROM page) GROUP BY pt.plan_id
) pt ON pt.plan_id = page.id
ORDER BY page.last_name, page.first_name, page.id
"""
# The columns of the plan and of its owner the query reads, in the models' field order.
_LIST_PLAN_FIELDS = (
    "id",
    "owner_id",
    "coordinator_id",
    "kind",
    "status",
    "period_start",
    "period_end",
    "next_evaluation",
    "close_requested_at",
    "what_matters",
    "resources",
    "needs",
)


def _list_query(user, include_closed: bool, limit: int, offset: int, today) -> list[tuple]:
    visible, visible_params = plans_visible_sql(user, plan="p")
    consent, consent_params = plan_consent_exists_sql(plan="p")
    open_only = "" if include_closed else "AND p.status <> %s"
    sql = _LIST_SQL.format(consent=consent, visible=visible, open_only=open_only)
    open_statuses = [Measure.Status.PLANNED, Measure.Status.ONGOING]
    params = [
        *consent_params,
        user.pk,
        *visible_params,
        *([] if include_closed else [Plan.Status.CLOSED]),
        limit,
        offset,
        *open_statuses,
        *open_statuses,
        *open_statuses,
        "",
        *open_statuses,
        connection.ops.adapt_datefield_value(today),
        "",
        "",
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _listed_plan(row: tuple, db: str) -> tuple[Plan, dict]:
    """The plan (with its owner) and its health counts from one row of the list's query,
    counted as the plan page counts them for the coordinator, who reads every section the
    record's kind has (a coordinator without a plan has no goals and no measures)."""
    plan = Plan.from_db(db, _LIST_PLAN_FIELDS, row[:12])
    plan.owner = User.from_db(db, _PERSON_FIELDS, (row[1], *row[12:15]))
    n_goals, n_cooperation, *measures, n_participants, without, without_any = row[17:]
    has = plan.kind_info.applies
    if not has(Section.MEASURES):
        measures, without = [0] * 5, without_any
    counts = {
        "has_consent": bool(row[15]),
        "n_goals": n_goals if has(Section.GOALS) else 0,
        "n_measures": measures[0] or 0,
        "n_missing_responsible": measures[1] or 0,
        "n_missing_deadline": measures[2] or 0,
        "n_missing_how": measures[3] or 0,
        "n_overdue": measures[4] or 0,
    }
    if has(Section.PARTICIPANTS):
        counts["n_participants"] = n_participants or 0
        counts["n_participants_without_contribution"] = without or 0
        counts["n_cooperation"] = n_cooperation
    else:
        counts["n_participants"] = counts["n_participants_without_contribution"] = 0
        counts["n_cooperation"] = 0
    return plan, counts


def coordinator_list_page(
    *, user, include_closed: bool, number, per_page: int = 25
) -> tuple[Page, list[PlanListRow]]:
    """One page of the coordinator's list and its rows, in one query: the page's plans, how
    many there are in all, and plan health counted for that page's plans only."""
    today = timezone.localdate()
    page, rows = hand_page(
        lambda limit, offset: _list_query(user, include_closed, limit, offset, today),
        number,
        per_page,
        total_at=16,
    )
    listed = [_listed_plan(row, connection.alias) for row in rows]
    page.object_list = [plan for plan, _counts in listed]
    return page, plan_list_rows(listed, today)


def plan_list_rows(listed: list[tuple[Plan, dict]], today: datetime.date) -> list[PlanListRow]:
    # One reverse() for the whole page: the rows' links differ only in the plan id.
    before, after = reverse("plans:detail", args=[0]).rsplit("/0/", 1)
    rows = []
    for plan, counts in listed:
        facts = _health_facts(plan, counts, today)
        info = plan.kind_info
        rows.append(
            PlanListRow(
                plan=plan,
                url=f"{before}/{plan.pk}/{after}",
                kind_label="" if info.is_individual_plan else str(info.label),
                status=plan.get_status_display(),
                # The nine items are the individual plan's; other kinds have no plan health.
                missing=missing_items(facts) if info.is_individual_plan else None,
                overdue_measures=facts.overdue_measures,
                evaluation_overdue=facts.evaluation_overdue,
                facts=facts,
            )
        )
    return rows


# The handovers waiting for a coordinator's answer, with what the list and the home page name:
# the kind of plan and the two people (the fields User.display_name reads). Written by hand:
# the ORM's select_related and only() cost more to build than the query costs to run.
_HANDOVERS_SQL = """
SELECT h.id, h.plan_id, h.from_coordinator_id, p.kind, p.owner_id,
       o.username, o.first_name, o.last_name, f.username, f.first_name, f.last_name
FROM plans_coordinatorhandover h
JOIN plans_plan p ON p.id = h.plan_id
JOIN accounts_user o ON o.id = p.owner_id
JOIN accounts_user f ON f.id = h.from_coordinator_id
WHERE h.to_coordinator_id = %s AND h.status = %s {of_kind}
ORDER BY h.proposed_at DESC, h.id DESC
"""


def handovers_waiting_for(*, user, kind: str | None = None) -> list[CoordinatorHandover]:
    """The handovers proposed to `user` and not yet answered (of plans of `kind` only, when
    given), newest first."""
    params = [user.pk, CoordinatorHandover.Status.PROPOSED]
    if kind is not None:
        params.append(kind)
    sql = _HANDOVERS_SQL.format(of_kind="" if kind is None else "AND p.kind = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    db = connection.alias
    handovers = []
    for pk, plan_id, from_id, plan_kind, owner_id, *names in rows:
        handover = CoordinatorHandover.from_db(
            db, ("id", "plan_id", "from_coordinator_id"), (pk, plan_id, from_id)
        )
        handover.plan = Plan.from_db(db, ("id", "owner_id", "kind"), (plan_id, owner_id, plan_kind))
        handover.plan.owner = User.from_db(db, _PERSON_FIELDS, (owner_id, *names[:3]))
        handover.from_coordinator = User.from_db(db, _PERSON_FIELDS, (from_id, *names[3:]))
        handovers.append(handover)
    return handovers


def plan_deletions(plan: Plan):
    """The plan's tombstones (what the retention job deleted, and which archive copy stays)."""
    return list(PlanDeletion.objects.filter(plan=plan).select_related("archive_record"))


# --- Min plan: the child's own view ----------------------------------------------------------

# Until this age the owner's plan page leads with "Min plan"; older owners may open it too.
MY_PLAN_LEADS_UNDER_AGE = 16
SOON_DAYS = 30  # "what happens next": measures starting or due within a month


@dataclass
class MyPlan:
    """What a child reads of their own plan: their own goals first, what happens next and who
    helps them. Built from the same permission-aware reads as the plan page."""

    plan: Plan
    own_goals: list[GoalView]
    other_goals: list[GoalView]
    soon: list[Measure]
    coordinator: CoordinatorContact | None
    helpers: list[Participant]
    today: datetime.date


def my_plan(plan: Plan, access: PlanAccess) -> MyPlan:
    """The owner's plan in plain words: five queries whatever the plan's size."""
    today = timezone.localdate()
    goals = _goal_tree(plan, access, with_measures=True)
    own = [g for g in goals if g.goal.created_by_id == plan.owner_id]
    horizon = today + datetime.timedelta(days=SOON_DAYS)
    soon = [
        m
        for view in goals
        for g in [view, *view.subgoals]
        for m in g.measures
        if m.is_open
        and (
            (m.start_date and today <= m.start_date <= horizon)
            or (m.deadline and today <= m.deadline <= horizon)
        )
    ]
    soon.sort(key=lambda m: min(d for d in (m.start_date, m.deadline) if d and d >= today))
    helpers = list(
        Participant.objects.filter(plan=plan, is_active=True)
        .exclude(role=Participant.Role.COORDINATOR)
        .select_related("organisation")
    )
    return MyPlan(
        plan=plan,
        own_goals=own,
        other_goals=[g for g in goals if g not in own],
        soon=soon,
        coordinator=_coordinator_contact(plan),
        helpers=helpers,
        today=today,
    )
