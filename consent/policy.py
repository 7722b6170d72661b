"""The one door for "may this user see or do this".

Every view, selector, PDF, e-mail and task asks here. The rules (domain.md § 4-5):
- the owner, and whoever acts for them (parent, verge, chosen representative), read the whole
  plan and write "about me", their goals' wording and their own contributions;
- the plan's coordinator, while holding the coordinator role in the plan's municipality,
  reads and writes everything;
- participants see the sections the owner granted, while the grant lasts (consent issue);
- case handlers and administrators see no plan contents unless granted like anyone else;
- staff see only their own municipality's people, services and cases;
- a closed plan is read-only for everybody.
Anyone without access gets a 404 from the access helpers, never a hint that the plan exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Municipality, Organisation, StaffMembership, User
from accounts.roles import administered_municipality_ids, represented_people_ids, user_roles
from consent.models import AccessLogEntry
from plans.models import Plan
from plans.sections import Section

Role = StaffMembership.Role
ActorRole = AccessLogEntry.ActorRole
ALL_SECTIONS = frozenset(Section.values)
# What the owner's side writes itself (domain.md § 4).
OWNER_WRITES = frozenset({Section.ABOUT_ME})


@dataclass(frozen=True)
class PlanAccess:
    """What one user may do with one plan, computed once per request."""

    plan: Plan
    role: str | None
    read: frozenset[str] = frozenset()
    write: frozenset[str] = frozenset()
    organisation_name: str = ""

    @property
    def allowed(self) -> bool:
        return self.role is not None

    @property
    def is_owner_side(self) -> bool:
        return self.role in (ActorRole.OWNER, ActorRole.REPRESENTATIVE)

    @property
    def is_coordinator(self) -> bool:
        return self.role == ActorRole.COORDINATOR

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
    def can_export(self) -> bool:
        return self.allowed


NO_ACCESS_ROLE = None


def is_coordinator_of(user: User, plan: Plan) -> bool:
    return (
        plan.coordinator_id is not None
        and plan.coordinator_id == user.pk
        and user_roles(user).has(Role.COORDINATOR, plan.municipality_id)
    )


def plan_access(user: User, plan: Plan) -> PlanAccess:
    if not user.is_authenticated or not user.is_active:
        return PlanAccess(plan=plan, role=NO_ACCESS_ROLE)
    if plan.owner_id == user.pk:
        return PlanAccess(plan=plan, role=ActorRole.OWNER, read=ALL_SECTIONS, write=OWNER_WRITES)
    if plan.owner_id in represented_people_ids(user):
        return PlanAccess(
            plan=plan, role=ActorRole.REPRESENTATIVE, read=ALL_SECTIONS, write=OWNER_WRITES
        )
    if is_coordinator_of(user, plan):
        return PlanAccess(
            plan=plan, role=ActorRole.COORDINATOR, read=ALL_SECTIONS, write=ALL_SECTIONS
        )
    return PlanAccess(plan=plan, role=NO_ACCESS_ROLE)


def full_read_access(plan: Plan) -> PlanAccess:
    """For the system's own complete copies (archive snapshots); never for a person."""
    return PlanAccess(plan=plan, role=ActorRole.SYSTEM, read=ALL_SECTIONS)


def plan_access_or_404(user: User, plan: Plan) -> PlanAccess:
    access = plan_access(user, plan)
    if not access.allowed:
        raise Http404
    return access


def require_read(access: PlanAccess, section: str) -> None:
    if not access.can_read(section):
        raise Http404


def plans_visible_filter(user: User) -> Q:
    """A filter for Plan querysets: the plans this user may open at all."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    visible = Q(owner=user) | Q(owner_id__in=represented_people_ids(user))
    coordinator_municipalities = user_roles(user).municipalities_with(Role.COORDINATOR)
    if coordinator_municipalities:
        visible |= Q(coordinator=user, municipality_id__in=coordinator_municipalities)
    return visible


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


def can_administer(user: User, municipality_id: int | None) -> bool:
    administered = administered_municipality_ids(user)
    return administered is None or municipality_id in administered


def is_case_handler_in(user: User, municipality_id: int) -> bool:
    return user_roles(user).has(Role.CASE_HANDLER, municipality_id)
