"""The one door for "may this user see or do this".

Every view, selector, PDF, e-mail and task asks here. The rules (domain.md § 4-5):
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
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Municipality, Organisation, Representation, StaffMembership, User
from accounts.roles import (
    decides_alone,
    represented_people_ids,
    user_roles,
)
from consent.models import AccessGrant, AccessLogEntry, PlanSectionUserObjectPermission
from plans.models import Plan
from plans.sections import Section

Role = StaffMembership.Role
ActorRole = AccessLogEntry.ActorRole
ALL_SECTIONS = frozenset(Section.values)
# What the owner's side writes itself (domain.md § 4): "about me", and messages to the people
# in the plan. Goal wording and own contributions are finer rules, below.
OWNER_WRITES = frozenset({Section.ABOUT_ME, Section.MESSAGES})
VIEW, CHANGE = "view_plansection", "change_plansection"


@dataclass(frozen=True)
class PlanAccess:
    """What one user may do with one plan, computed once per request."""

    plan: Plan
    role: str | None
    # Who this access is for: the actor of every write made with it (None for the system).
    user: User | None = None
    read: frozenset[str] = frozenset()
    write: frozenset[str] = frozenset()
    organisation_name: str = ""
    manages_access: bool = False
    # A participant's grants in force, as (section, AccessGrant id): what the access log names.
    grants: tuple[tuple[str, int], ...] = ()

    def grant_ids_for(self, sections) -> list[int]:
        return sorted({grant_id for section, grant_id in self.grants if section in sections})

    @property
    def allowed(self) -> bool:
        return self.role is not None

    @property
    def is_owner_side(self) -> bool:
        return self.role in (ActorRole.OWNER, ActorRole.REPRESENTATIVE)

    @property
    def is_coordinator(self) -> bool:
        return self.role == ActorRole.COORDINATOR

    @property
    def is_participant(self) -> bool:
        return self.role == ActorRole.PARTICIPANT

    def can_read(self, section: str) -> bool:
        return section in self.read

    def can_write(self, section: str) -> bool:
        return not self.plan.is_closed and section in self.write

    # Finer rules for the owner's side: their own words and their own contributions.
    @property
    def can_edit_goal_wording(self) -> bool:
        return self.can_write(Section.GOALS) or (self.is_owner_side and not self.plan.is_closed)

    @property
    def can_edit_own_contributions(self) -> bool:
        return self.can_write(Section.MEASURES) or (self.is_owner_side and not self.plan.is_closed)

    @property
    def can_manage_plan(self) -> bool:
        """Period, status, participants, handover, archive: the coordinator's work."""
        return self.is_coordinator and not self.plan.is_closed

    @property
    def can_request_close(self) -> bool:
        return self.is_owner_side and not self.plan.is_closed

    @property
    def can_manage_access(self) -> bool:
        """Give, limit and withdraw consent and access: whoever consents for the owner."""
        return self.manages_access and not self.plan.is_closed

    @property
    def can_propose_access(self) -> bool:
        return self.is_coordinator and not self.plan.is_closed

    @property
    def can_read_access_log(self) -> bool:
        return self.is_owner_side

    @property
    def can_export(self) -> bool:
        return self.allowed


def is_coordinator_of(user: User, plan: Plan) -> bool:
    return (
        plan.coordinator_id is not None
        and plan.coordinator_id == user.pk
        and user_roles(user).has(Role.COORDINATOR, plan.municipality_id)
    )


def _grants_in_force(now: datetime.datetime) -> Q:
    return Q(
        grant__status=AccessGrant.Status.ACTIVE,
        grant__starts_at__lte=now,
        grant__ends_at__gt=now,
        grant__participant__is_active=True,
    )


def granted_sections(user: User, plan: Plan, *, now=None) -> tuple[set, set, str, tuple]:
    """(readable, writable, organisation, grants) from guardian's permission rows, one query."""
    rows = PlanSectionUserObjectPermission.objects.filter(
        _grants_in_force(now or timezone.now()), user=user, content_object__plan_id=plan.pk
    ).values_list(
        "content_object__section",
        "permission__codename",
        "grant__participant__organisation__name",
        "grant_id",
    )
    read, write, organisation, grants = set(), set(), "", set()
    for section, codename, organisation_name, grant_id in rows:
        (write if codename == CHANGE else read).add(section)
        organisation = organisation or organisation_name or ""
        grants.add((section, grant_id))
    return read | write, write, organisation, tuple(sorted(grants))


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
        )
    if is_coordinator_of(user, plan):
        return PlanAccess(
            plan=plan,
            user=user,
            role=ActorRole.COORDINATOR,
            read=ALL_SECTIONS,
            write=ALL_SECTIONS,
        )
    read, write, organisation, grants = granted_sections(user, plan, now=now)
    if read:
        return PlanAccess(
            plan=plan,
            user=user,
            role=ActorRole.PARTICIPANT,
            read=frozenset(read),
            write=frozenset(write),
            organisation_name=organisation,
            grants=grants,
        )
    return PlanAccess(plan=plan, role=None, user=user)


def plan_access_many(user: User, plans: list[Plan], *, now=None) -> list[PlanAccess]:
    """plan_access for a list of plans, with participants' grants read in one query."""
    now = now or timezone.now()
    rows = PlanSectionUserObjectPermission.objects.filter(
        _grants_in_force(now), user=user, content_object__plan_id__in=[p.pk for p in plans]
    ).values_list(
        "content_object__plan_id",
        "content_object__section",
        "permission__codename",
        "grant__participant__organisation__name",
        "grant_id",
    )
    granted: dict[int, tuple[set, set, str, set]] = {}
    for plan_id, section, codename, organisation, grant_id in rows:
        read, write, org, grants = granted.setdefault(plan_id, (set(), set(), "", set()))
        (write if codename == CHANGE else read).add(section)
        grants.add((section, grant_id))
        granted[plan_id] = (read, write, org or organisation or "", grants)
    accesses = []
    for plan in plans:
        if (
            plan.owner_id == user.pk
            or plan.coordinator_id == user.pk
            or (plan.owner_id in represented_people_ids(user))
        ):
            accesses.append(plan_access(user, plan, now=now))
        elif plan.pk in granted:
            read, write, organisation, grants = granted[plan.pk]
            accesses.append(
                PlanAccess(
                    plan=plan,
                    user=user,
                    role=ActorRole.PARTICIPANT,
                    read=frozenset(read | write),
                    write=frozenset(write),
                    organisation_name=organisation,
                    grants=tuple(sorted(grants)),
                )
            )
        else:
            accesses.append(PlanAccess(plan=plan, role=None, user=user))
    return accesses


def full_read_access(plan: Plan) -> PlanAccess:
    """For the system's own complete copies (archive snapshots); never for a person."""
    return PlanAccess(plan=plan, role=ActorRole.SYSTEM, read=ALL_SECTIONS)


def plan_access_or_404(user: User, plan: Plan) -> PlanAccess:
    access = plan_access(user, plan)
    if not access.allowed:
        raise Http404
    return access


def plan_and_access_or_404(user: User, plan_id: int) -> tuple[Plan, PlanAccess]:
    """The plan and the user's access to it, or 404: outsiders learn nothing."""
    plan = (
        Plan.objects.select_related("owner", "coordinator", "municipality")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404
    return plan, plan_access_or_404(user, plan)


def require_read(access: PlanAccess, section: str) -> None:
    if not access.can_read(section):
        raise Http404


def plans_visible_filter(user: User, *, now=None) -> Q:
    """A filter for Plan querysets: the plans this user may open at all."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    visible = Q(owner=user) | Q(owner_id__in=represented_people_ids(user))
    coordinator_municipalities = user_roles(user).municipalities_with(Role.COORDINATOR)
    if coordinator_municipalities:
        visible |= Q(coordinator=user, municipality_id__in=coordinator_municipalities)
    granted = PlanSectionUserObjectPermission.objects.filter(
        _grants_in_force(now or timezone.now()), user=user
    ).values("content_object__plan_id")
    return visible | Q(pk__in=granted)


def participating_plans(user: User, *, now=None) -> QuerySet[Plan]:
    """Plans where the user is a participant with a grant in force (not owner or coordinator)."""
    granted = PlanSectionUserObjectPermission.objects.filter(
        _grants_in_force(now or timezone.now()), user=user
    ).values("content_object__plan_id")
    return Plan.objects.filter(pk__in=granted).exclude(owner=user).exclude(coordinator=user)


# --- Consent: who decides for the owner -----------------------------------------------------


def owner_decides_alone(plan: Plan, day: datetime.date) -> bool:
    return decides_alone(plan.owner, day)


def child_view_applies(plan: Plan, day: datetime.date) -> bool:
    """From 12 the child's own view is recorded alongside the parents' consent."""
    age = plan.owner.age_on(day)
    return age is not None and age >= 12 and not owner_decides_alone(plan, day)


def representations_deciding_for(person: User, day: datetime.date) -> QuerySet[Representation]:
    """Parents (while the person is under the age of consent) and verges, valid on `day`."""
    kinds = [Representation.Kind.GUARDIAN]
    if not decides_alone(person, day):
        kinds.append(Representation.Kind.PARENT)
    return (
        Representation.objects.in_force(day)
        .filter(person_id=person.pk, kind__in=kinds)
        .select_related("representative")
    )


def deciding_representations(plan: Plan, day: datetime.date) -> QuerySet[Representation]:
    return representations_deciding_for(plan.owner, day)


def may_decide_for(user: User, person: User, *, day=None) -> bool:
    """Whether `user` consents and decides for `person`: themselves from the age of consent,
    a parent for a younger child, a verge."""
    day = day or timezone.localdate()
    if person.pk == user.pk:
        return decides_alone(person, day)
    if person.pk not in represented_people_ids(user, on=day):
        return False
    return representations_deciding_for(person, day).filter(representative=user).exists()


def may_decide_for_owner(user: User, plan: Plan, *, day=None) -> bool:
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


def staff_municipality_ids(user: User, role: str | None = None) -> frozenset[int]:
    roles = user_roles(user)
    return roles.municipalities_with(role) if role else roles.municipality_ids


def municipalities_for(user: User, role: str | None = None) -> QuerySet[Municipality]:
    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=staff_municipality_ids(user, role))


def organisations_for(user: User) -> QuerySet[Organisation]:
    """Services a staff member may see and choose among: their own municipalities' only."""
    return Organisation.objects.filter(municipality_id__in=staff_municipality_ids(user))


def is_case_handler_in(user: User, municipality_id: int) -> bool:
    return user_roles(user).has(Role.CASE_HANDLER, municipality_id)
