"""The one door for "may this user see or do this".

Every view, selector, PDF, e-mail and task asks here. The rules (domain.md, sections 4 and 5):
- the owner, and whoever acts for them (a parent while the child is under the age of consent,
  a verge, a representative the owner chose), read the whole plan and write "about me",
  their goals' wording and their own contributions;
- who consents and decides access: the owner from the age of consent (a setting, 16), a parent
  for a younger child, a verge for an adult under guardianship;
- the plan's coordinator, while holding the coordinator role in the plan's municipality,
  reads and writes everything;
- participants read (and write) the sections the owner granted them, from the grant's start
  to its end: the check filters on the time, so expiry takes effect at the second it passes,
  and a revoked grant has no permission rows left;
- case handlers and administrators see no plan contents unless granted like anyone else;
- staff see only their own municipality's people, services and cases;
- a closed plan is read-only for everybody.
Anyone without access gets a 404 from the access helpers, never a hint that the plan exists.

django-guardian is the store of the per-section permissions: consent.services.grants writes
one row per section and codename into its direct foreign-key table
(PlanSectionUserObjectPermission), tied to the grant it came from, and deletes them on revoke.
The questions are answered here by one join of those rows to the grant (grants_in_force)
rather than by guardian's get_objects_for_user or ObjectPermissionChecker, because guardian
cannot see the grant's time window or whether the participant is still in the plan (expiry
takes effect at the second, with no job), and it returns neither the level (view/change) and
the grant ids the access log names in one go. Measured on the consent tests' plan (a nurse
with one section): plan_access reads sections, levels, service and grant ids in 1 query;
get_objects_for_user takes 3 per codename (two permission content-type look-ups, then the
sections), so 6 for view and change, still needs the expiry join, and a 7th query for the
grant ids; ObjectPermissionChecker.prefetch_perms takes 3 (sections, user rows, group rows)
and counts ended grants until the housekeeping task deletes their rows.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Municipality, Representation, StaffMembership, User
from accounts.roles import (
    consent_age_cutoff,
    decides_alone,
    parent_role_has_ended,
    represented_people_ids,
    user_roles,
)
from consent.access import PlanAccess
from consent.models import AccessGrant, AccessLogEntry, PlanSectionUserObjectPermission
from ipplan.sqlrows import converted
from plans import kinds
from plans.models import Plan
from plans.sections import Section
from plans.withheld import FAMILY_ROLES

Role = StaffMembership.Role
ActorRole = AccessLogEntry.ActorRole
ALL_SECTIONS = frozenset(Section.values)
# What the owner's side writes itself (domain.md, section 4): "about me", and messages to the people
# in the plan. Goal wording and own contributions are finer rules, below.
OWNER_WRITES = frozenset({Section.ABOUT_ME, Section.MESSAGES})
VIEW, CHANGE = "view_plansection", "change_plansection"


def is_coordinator_of(user: User, plan: Plan) -> bool:
    """The plan's holder: its coordinator (or a relay log's holder), in a role that may hold it."""
    return (
        plan.coordinator_id is not None
        and plan.coordinator_id == user.pk
        and kinds.may_hold(user_roles(user), plan.kind, plan.municipality_id)
    )


def grants_in_force(now: datetime.datetime | None = None, prefix: str = "grant__") -> Q:
    """The one "grant in force" rule: active, started, not ended, and the participant still
    in the plan. `prefix` "" filters AccessGrant itself, "grant__" guardian's permission rows."""
    now = now or timezone.now()
    return Q(
        **{
            f"{prefix}status": AccessGrant.Status.ACTIVE,
            f"{prefix}starts_at__lte": now,
            f"{prefix}ends_at__gt": now,
            f"{prefix}participant__is_active": True,
        }
    )


def permissions_in_force(*, now=None, **filters) -> QuerySet[PlanSectionUserObjectPermission]:
    """Guardian's per-section permission rows whose grant is in force (see the note below)."""
    return PlanSectionUserObjectPermission.objects.filter(grants_in_force(now), **filters)


def _granted(rows) -> dict[int, tuple[set, set, str, set, bool]]:
    """(plan id, section, codename, organisation, grant id, participant role) rows to, per
    plan, (readable, writable, organisation, grants, family side)."""
    granted: dict[int, tuple[set, set, str, set, bool]] = {}
    for plan_id, section, codename, organisation, grant_id, role in rows:
        read, write, org, grants, family = granted.setdefault(
            plan_id, (set(), set(), "", set(), False)
        )
        (write if codename == CHANGE else read).add(section)
        grants.add((section, grant_id))
        family = family or role in FAMILY_ROLES
        granted[plan_id] = (read | write, write, org or organisation or "", grants, family)
    return granted


def _granted_for(user: User, plan_ids, now) -> dict[int, tuple[set, set, str, set]]:
    """A participant's sections per plan, from guardian's permission rows: one query."""
    return _granted(
        permissions_in_force(
            now=now, user=user, content_object__plan_id__in=list(plan_ids)
        ).values_list(
            "content_object__plan_id",
            "content_object__section",
            "permission__codename",
            "grant__participant__organisation__name",
            "grant_id",
            "grant__participant__role",
        )
    )


def _participant_access(user: User, plan: Plan, granted) -> PlanAccess:
    if granted is None:
        return PlanAccess(plan=plan, role=None, user=user)
    read, write, organisation, grants, family = granted
    return PlanAccess(
        plan=plan,
        user=user,
        role=ActorRole.PARTICIPANT,
        read=frozenset(read),
        write=frozenset(write),
        organisation_name=organisation,
        grants=tuple(sorted(grants)),
        hides_withheld=family,
    )


def plan_access(user: User, plan: Plan, *, now=None) -> PlanAccess:
    if not user.is_authenticated or not user.is_active:
        return PlanAccess(plan=plan, role=None, user=user)
    decides = may_decide_for_owner(user, plan)
    if plan.owner_id == user.pk:
        return PlanAccess(
            plan=plan,
            user=user,
            role=ActorRole.OWNER,
            read=ALL_SECTIONS,
            write=OWNER_WRITES,
            manages_access=decides,
        )
    if plan.owner_id in represented_people_ids(user):
        return PlanAccess(
            plan=plan,
            user=user,
            role=ActorRole.REPRESENTATIVE,
            read=ALL_SECTIONS,
            write=OWNER_WRITES,
            manages_access=decides,
            hides_withheld=True,
        )
    if is_coordinator_of(user, plan):
        return PlanAccess(
            plan=plan,
            user=user,
            role=ActorRole.COORDINATOR,
            read=ALL_SECTIONS,
            write=ALL_SECTIONS,
        )
    return _participant_access(user, plan, _granted_for(user, [plan.pk], now).get(plan.pk))


def plan_access_many(user: User, plans: list[Plan], *, now=None) -> list[PlanAccess]:
    """plan_access for a list of plans, with participants' grants read in one query."""
    now = now or timezone.now()
    granted = _granted_for(user, [p.pk for p in plans], now)
    return [
        plan_access(user, plan, now=now)
        if plan.owner_id == user.pk
        or plan.coordinator_id == user.pk
        or plan.owner_id in represented_people_ids(user)
        else _participant_access(user, plan, granted.get(plan.pk))
        for plan in plans
    ]


def full_read_access(plan: Plan, *, hides_withheld: bool = False) -> PlanAccess:
    """For the system's own complete copies (archive snapshots); never for a person.
    `hides_withheld` for a copy that the owner's parents may read (a complaint's case file)."""
    return PlanAccess(
        plan=plan, role=ActorRole.SYSTEM, read=ALL_SECTIONS, hides_withheld=hides_withheld
    )


def plan_access_or_404(user: User, plan: Plan) -> PlanAccess:
    access = plan_access(user, plan)
    if not access.allowed:
        raise Http404
    return access


def plan_and_access_or_404(user: User, plan_id: int) -> tuple[Plan, PlanAccess]:
    """The plan and the user's access to it, or 404: outsiders learn nothing."""
    plan = plan_with_people(plan_id)
    if plan is None:
        raise Http404
    return plan, plan_access_or_404(user, plan)


# The plan with its owner, coordinator and municipality, every column of each, as
# Plan.objects.select_related("owner", "coordinator", "municipality").filter(pk=...).first()
# reads it, written out once: building that query cost ~0.8 ms of CPU on every view of every
# plan page, running it ~0.1 ms (issue 14). The values go through the same converters the ORM
# applies (SQLite's dates and booleans, time zones); tests/consent/test_plan_with_people.py
# holds the two to the same objects.
_PLAN_PARTS = (("p", Plan, None), ("o", User, "owner"), ("c", User, "coordinator"))
_PLAN_PARTS += (("m", Municipality, "municipality"),)
_PLAN_COLUMNS = tuple(f for _, model, _ in _PLAN_PARTS for f in model._meta.concrete_fields)


@functools.cache
def _plan_with_people_sql() -> str:
    columns = ", ".join(
        f'{alias}."{f.column}"'
        for alias, model, _ in _PLAN_PARTS
        for f in model._meta.concrete_fields
    )
    plan, user, municipality = (m._meta.db_table for m in (Plan, User, Municipality))
    return (
        f"SELECT {columns} FROM {plan} p"  # noqa: S608 (the models' own names, no input)
        f" JOIN {user} o ON o.id = p.owner_id"
        f" LEFT JOIN {user} c ON c.id = p.coordinator_id"
        f" JOIN {municipality} m ON m.id = p.municipality_id"
        " WHERE p.id = %s"
    )


def plan_with_people(plan_id) -> Plan | None:
    """The plan with its owner, coordinator (or None) and municipality loaded, in one
    hand-written query; None if there is no such plan."""
    pk = Plan._meta.pk.get_prep_value(plan_id)
    if not 0 < pk < 2**63:
        # No such plan: ids are positive 64-bit integers (SQLite's driver refuses a larger
        # number outright; the ORM's lookup answered "no rows" for it too).
        return None
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.cursor() as cursor:
        cursor.execute(_plan_with_people_sql(), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    row = converted(conn, _PLAN_COLUMNS, row)
    db, start, objects = conn.alias, 0, {}
    for _alias, model, relation in _PLAN_PARTS:
        fields = model._meta.concrete_fields
        values = row[start : start + len(fields)]
        start += len(fields)
        objects[relation] = (
            None if values[0] is None else model.from_db(db, [f.attname for f in fields], values)
        )
    plan = objects.pop(None)
    for relation, obj in objects.items():
        Plan._meta.get_field(relation).set_cached_value(plan, obj)
    return plan


def require_read(access: PlanAccess, section: str) -> None:
    if not access.can_read(section):
        raise Http404


def plans_visible_filter(user: User, *, now=None) -> Q:
    """A filter for Plan querysets: the plans this user may open at all."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    visible = Q(owner=user) | Q(owner_id__in=represented_people_ids(user))
    visible |= kinds.held_by_filter(user, user_roles(user))
    granted = permissions_in_force(now=now, user=user).values("content_object__plan_id")
    return visible | Q(pk__in=granted)


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def plans_visible_sql(user: User, *, plan: str = "plans_plan", now=None) -> tuple[str, list]:
    """plans_visible_filter written out as SQL: a condition on the plan table (named `plan` in
    the query) and its parameters, for the lists that build their query by hand instead of
    paying the ORM for it. The same four ways in, in the same order: the owner, whoever acts
    for them, the holder in a role that may hold the kind, a grant in force (grants_in_force:
    active, started, not ended, the participant still in the plan). The tests of the
    coordinator's list hold the two to the same plans."""
    if not plan.isidentifier():
        raise ValueError("The plan table's name in the query is an identifier.")
    if not user.is_authenticated or not user.is_active:
        return "1 = 0", []
    now = now or timezone.now()
    people = [user.pk, *sorted(represented_people_ids(user))]
    parts = [f"{plan}.owner_id IN ({_placeholders(people)})"]
    params: list = [*people]
    for kind, municipalities in kinds.held_kinds(user_roles(user)).items():
        parts.append(
            f"({plan}.coordinator_id = %s AND {plan}.kind = %s"
            f" AND {plan}.municipality_id IN ({_placeholders(municipalities)}))"
        )
        params += [user.pk, kind, *sorted(municipalities)]
    at = connection.ops.adapt_datetimefield_value(now)
    # The plan through the grant: a permission is only ever on a section of its own grant's
    # plan (consent.services.grants._assign_permissions is the only writer; a test holds it).
    # One join less than through the section, and half the time to plan the query (issue 14).
    parts.append(
        f"{plan}.id IN (SELECT g.plan_id FROM consent_plansectionuserobjectpermission perm"  # noqa: S608 (an identifier, checked above)
        " JOIN consent_accessgrant g ON perm.grant_id = g.id"
        " JOIN plans_participant pt ON g.participant_id = pt.id"
        " WHERE perm.user_id = %s AND g.status = %s AND g.starts_at <= %s AND g.ends_at > %s"
        " AND pt.is_active)"
    )
    params += [user.pk, AccessGrant.Status.ACTIVE, at, at]
    return "(" + " OR ".join(parts) + ")", params


def participating_plans(user: User, *, now=None) -> QuerySet[Plan]:
    """Plans where the user is a participant with a grant in force (not owner or coordinator)."""
    granted = permissions_in_force(now=now, user=user).values("content_object__plan_id")
    return Plan.objects.filter(pk__in=granted).exclude(owner=user).exclude(coordinator=user)


# --- Who may: the people behind a section, for reminders, letters and e-mails ---------------


@dataclass(frozen=True)
class Person:
    user: User
    name: str
    role: str  # an AccessLogEntry.ActorRole: owner, representative, coordinator, participant


def people_who_can(
    plan: Plan, section: str | None, action: str = "read", *, now=None
) -> list[Person]:
    """Everyone who may read (or, with action "write", write) `section` of the plan now: the
    owner and whoever acts for them, the coordinator, participants with a grant in force.
    With `section` None: everyone who may open the plan at all (any section)."""
    now = now or timezone.now()
    if action == "write" and plan.is_closed:
        return []
    people = {}
    if action == "read" or section in OWNER_WRITES:
        people[plan.owner_id] = Person(plan.owner, plan.owner.display_name, ActorRole.OWNER)
        for rep in representatives_of(plan.owner, timezone.localdate(now)):
            person = Person(
                rep.representative, rep.representative.display_name, ActorRole.REPRESENTATIVE
            )
            people.setdefault(rep.representative_id, person)
    if plan.coordinator_id and is_coordinator_of(plan.coordinator, plan):
        person = Person(plan.coordinator, plan.coordinator.display_name, ActorRole.COORDINATOR)
        people.setdefault(plan.coordinator_id, person)
    codenames = [CHANGE] if action == "write" else [VIEW, CHANGE]
    sections = {} if section is None else {"content_object__section": section}
    for row in permissions_in_force(
        now=now,
        content_object__plan_id=plan.pk,
        permission__codename__in=codenames,
        **sections,
    ).select_related("user", "grant__participant"):
        person = Person(row.user, row.grant.participant.name, ActorRole.PARTICIPANT)
        people.setdefault(row.user_id, person)
    return list(people.values())


def may_read_section(pairs: set[tuple[int, int]], section: str, *, now=None) -> set:
    """Of these (user id, plan id) pairs, those whose user holds a grant in force on `section`
    of that plan: people_who_can for a batch of participants, in one query."""
    if not pairs:
        return set()
    rows = permissions_in_force(
        now=now,
        user_id__in={user_id for user_id, _plan_id in pairs},
        content_object__plan_id__in={plan_id for _user_id, plan_id in pairs},
        content_object__section=section,
    ).values_list("user_id", "content_object__plan_id")
    return set(rows) & pairs


# --- Consent: who decides for the owner -----------------------------------------------------


def owner_decides_alone(plan: Plan, day: datetime.date) -> bool:
    return decides_alone(plan.owner, day) or kinds.young_person_consents(plan, day)


class Hearing:
    """How a child is heard before the parents consent for them (the table's
    "child_heard"): a younger child who can form views may be heard; from 7 the child must be
    heard; from 12 what the child says weighs heavily. None: the person consents themselves."""

    MAY = "may"
    MUST = "must"
    GREAT_WEIGHT = "great_weight"


HEARD_FROM_AGE = 7
GREAT_WEIGHT_FROM_AGE = 12


def child_hearing(plan: Plan, day: datetime.date) -> str | None:
    age = plan.owner.age_on(day)
    if age is None or owner_decides_alone(plan, day):
        return None
    if age >= GREAT_WEIGHT_FROM_AGE:
        return Hearing.GREAT_WEIGHT
    return Hearing.MUST if age >= HEARD_FROM_AGE else Hearing.MAY


def representations_in_force(
    person_ids, day: datetime.date | None = None, *, deciding: bool = False
) -> QuerySet[Representation]:
    """Who acts for these people on `day` (today if None), with the representative loaded:
    parents while the person is under the age of consent, verges, and proxies the person
    chose. `deciding`: only those who consent and decide for the person (parents and verges;
    for a person of unknown age, who counts as adult, verges only)."""
    day = day or timezone.localdate()
    rows = (
        Representation.objects.in_force(day)
        .filter(person_id__in=list(person_ids))
        .exclude(parent_role_has_ended(day))
    )
    if deciding:
        rows = rows.filter(
            Q(kind=Representation.Kind.GUARDIAN)
            | Q(
                kind__in=[Representation.Kind.PARENT, Representation.Kind.CHILD_WELFARE],
                person__birth_date__gt=consent_age_cutoff(day),
            )
        )
        # Where the child welfare service has taken over care, it consents and the parents no
        # longer decide (they may still read what a parent reads).
        in_care = Representation.objects.in_force(day).filter(
            kind=Representation.Kind.CHILD_WELFARE
        )
        rows = rows.exclude(
            kind=Representation.Kind.PARENT, person_id__in=in_care.values("person_id")
        )
    return rows.select_related("representative")


def representatives_of(
    person: User, day: datetime.date | None = None, *, deciding: bool = False
) -> QuerySet[Representation]:
    """The representations in force for one person on `day` (see representations_in_force)."""
    return representations_in_force([person.pk], day, deciding=deciding)


def parents_who_must_consent(plan: Plan, day: datetime.date) -> list[Representation]:
    """For a child under the age of consent: every parent registered with parental
    responsibility, since both must agree to the plan (the patients' rights act on consent for
    children; what one parent may decide alone, daily and ordinary care, is not a plan). Empty
    when one decision is enough: the owner themselves, or a verge."""
    if owner_decides_alone(plan, day):
        return []
    return [
        rep
        for rep in representatives_of(plan.owner, day, deciding=True)
        if rep.kind == Representation.Kind.PARENT
    ]


def consents_to_ip(plan: Plan, day: datetime.date) -> tuple[bool, list[Representation]]:
    """Who consents to an individual plan for the owner of a relay log, by the rules for an
    individual plan (the relay log's own routine from 15 does not apply): (True, []) when the
    owner decides alone; otherwise (False, those who decide for them): every parent with
    parental responsibility, all of whom must consent, or the child welfare service that has
    taken over care, or a verge."""
    if decides_alone(plan.owner, day):
        return True, []
    return False, list(representatives_of(plan.owner, day, deciding=True))


def may_decide_for(user: User, person: User, *, day=None) -> bool:
    """Whether `user` consents and decides for `person`: themselves from the age of consent,
    a parent for a younger child, a verge."""
    day = day or timezone.localdate()
    if person.pk == user.pk:
        return decides_alone(person, day)
    if person.pk not in represented_people_ids(user, on=day):
        return False
    return representatives_of(person, day, deciding=True).filter(representative=user).exists()


def may_decide_for_owner(user: User, plan: Plan, *, day=None) -> bool:
    day = day or timezone.localdate()
    if kinds.young_person_consents(plan, day):
        # The municipality's routine: the young person consents to their relay log themselves.
        return user.pk == plan.owner_id
    return may_decide_for(user, plan.owner, day=day)


# --- Casework: who may see and handle a case -------------------------------------------------


@dataclass(frozen=True)
class CaseAccess:
    role: str | None  # "handler", "person" (the person or whoever decides for them), or None

    @property
    def allowed(self) -> bool:
        return self.role is not None

    @property
    def can_handle(self) -> bool:
        return self.role == "handler"

    @property
    def is_person_side(self) -> bool:
        return self.role == "person"


def case_access(user: User, *, municipality_id: int, person_id: int) -> CaseAccess:
    """Case handlers of the case's municipality handle it; the person, and whoever decides for
    them, see it and may complain. Coordinators and everyone else: nothing (a 404)."""
    if not user.is_authenticated or not user.is_active:
        return CaseAccess(role=None)
    if user_roles(user).has(Role.CASE_HANDLER, municipality_id):
        return CaseAccess(role="handler")
    if person_id == user.pk or person_id in represented_people_ids(user):
        return CaseAccess(role="person")
    return CaseAccess(role=None)


def case_access_or_404(user: User, *, municipality_id: int, person_id: int) -> CaseAccess:
    access = case_access(user, municipality_id=municipality_id, person_id=person_id)
    if not access.allowed:
        raise Http404
    return access


def people_user_acts_for(user: User) -> frozenset[int]:
    """The user and the people they may act for: whose cases and letters they see."""
    return frozenset({user.pk, *represented_people_ids(user)})


# --- Municipality scoping for staff -----------------------------------------------------------


def holds_role(user: User, role: str, municipality_id: int | None = None) -> bool:
    """Whether the user holds a staff role (in that municipality, or in any)."""
    return user_roles(user).has(role, municipality_id)


def staff_municipality_ids(user: User, role: str | None = None) -> frozenset[int]:
    roles = user_roles(user)
    return roles.municipalities_with(role) if role else roles.municipality_ids


def municipalities_for(user: User, role: str | None = None) -> QuerySet[Municipality]:
    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=staff_municipality_ids(user, role))


# --- The barnekoordinator's family workspace -------------------------------------------------


@dataclass(frozen=True)
class FamilyAccess:
    # "parent" (a parent with parental responsibility for the child, born or expected),
    # "child" (the child themselves), "coordinator" (the appointed barnekoordinator, holding
    # the role in the municipality), or None.
    role: str | None

    @property
    def allowed(self) -> bool:
        return self.role is not None

    @property
    def is_parent(self) -> bool:
        return self.role == "parent"

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"

    @property
    def is_family(self) -> bool:
        return self.role in ("parent", "child")


def family_parents(child_id: int, day: datetime.date | None = None) -> QuerySet[Representation]:
    """The parents with parental responsibility for the child on `day`: with the child, the
    family's owners. The right is the family's until the child turns 18, so a parent keeps the
    workspace after the child's age of consent for health care; verges and proxies do not
    count (the right is the parents')."""
    day = day or timezone.localdate()
    return (
        Representation.objects.in_force(day)
        .filter(person_id=child_id, kind=Representation.Kind.PARENT)
        .select_related("representative")
    )


def family_access(
    user: User, *, municipality_id: int, child_id: int, coordinator_id: int | None
) -> FamilyAccess:
    """Who may open a family's workspace: the parents, the child, and the appointed
    barnekoordinator. Case handlers, administrators, other coordinators and the plan's
    participants get nothing (a 404)."""
    if not user.is_authenticated or not user.is_active:
        return FamilyAccess(role=None)
    if coordinator_id == user.pk and user_roles(user).has(Role.COORDINATOR, municipality_id):
        return FamilyAccess(role="coordinator")
    if user.pk == child_id:
        return FamilyAccess(role="child")
    if family_parents(child_id).filter(representative=user).exists():
        return FamilyAccess(role="parent")
    return FamilyAccess(role=None)


def family_access_or_404(
    user: User, *, municipality_id: int, child_id: int, coordinator_id: int | None
) -> FamilyAccess:
    access = family_access(
        user, municipality_id=municipality_id, child_id=child_id, coordinator_id=coordinator_id
    )
    if not access.allowed:
        raise Http404
    return access
