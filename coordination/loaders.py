"""The loaders for a plan's meetings and message threads: the object and the user's access to
its plan, or 404 (the plan's own loader is consent.policy.plan_and_access_or_404). Views load
these objects only through here."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from consent.policy import (
    FamilyAccess,
    PlanAccess,
    family_access_or_404,
    plan_and_access_or_404,
    require_read,
)
from coordination.models import Meeting, MessageThread
from plans.models import Family
from plans.sections import Section


def meeting_and_access_or_404(
    user, plan_id: int, meeting_id: int, *, notice: bool = False
) -> tuple[Meeting, PlanAccess]:
    """With `notice`, someone invited to this meeting who may not read the meetings section
    still gets it (its notice: time, place, agenda), and nobody else does; the view shows
    them nothing more. Without it, only readers of the meetings section."""
    plan, access = plan_and_access_or_404(user, plan_id)
    meetings = Meeting.objects.select_related("plan").filter(plan=plan)
    if not access.can_read(Section.MEETINGS):
        if not notice:
            raise Http404
        meetings = meetings.filter(invitees__user=user)
    return get_object_or_404(meetings, pk=meeting_id), access


def thread_and_access_or_404(
    user, plan_id: int, thread_id: int
) -> tuple[MessageThread, PlanAccess]:
    plan, access = plan_and_access_or_404(user, plan_id)
    require_read(access, Section.MESSAGES)
    thread = get_object_or_404(
        MessageThread.objects.select_related("plan"), pk=thread_id, plan=plan
    )
    return thread, access


def family_and_access_or_404(user, family_id: int) -> tuple[Family, FamilyAccess]:
    """The barnekoordinator's family workspace and the user's access (the parents, the child,
    the barnekoordinator: consent.policy.family_access), or 404 for everybody else."""
    family = get_object_or_404(
        Family.objects.select_related("child", "coordinator", "municipality", "plan"),
        pk=family_id,
    )
    access = family_access_or_404(
        user,
        municipality_id=family.municipality_id,
        child_id=family.child_id,
        coordinator_id=family.coordinator_id,
    )
    return family, access
