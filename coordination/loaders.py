"""The loaders for a plan's meetings and message threads: the object and the user's access to
its plan, or 404 (the plan's own loader is consent.policy.plan_and_access_or_404). Views load
these objects only through here."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from consent.policy import PlanAccess, plan_and_access_or_404, require_read
from coordination.models import Meeting, MessageThread
from plans.sections import Section


def meeting_and_access_or_404(user, plan_id: int, meeting_id: int) -> tuple[Meeting, PlanAccess]:
    plan, access = plan_and_access_or_404(user, plan_id)
    require_read(access, Section.MEETINGS)
    meeting = get_object_or_404(Meeting.objects.select_related("plan"), pk=meeting_id, plan=plan)
    return meeting, access


def thread_and_access_or_404(
    user, plan_id: int, thread_id: int
) -> tuple[MessageThread, PlanAccess]:
    plan, access = plan_and_access_or_404(user, plan_id)
    require_read(access, Section.MESSAGES)
    thread = get_object_or_404(
        MessageThread.objects.select_related("plan"), pk=thread_id, plan=plan
    )
    return thread, access
