"""What plan views share: loading a plan through the policy (404 for outsiders), declaring
reads (`log_read`, re-exported), and showing an edit conflict without losing what the user typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from plans.access import log_read, plan_and_access_or_404, require_read
from plans.models import Plan
from plans.sections import OVERVIEW, Section
from plans.services.common import EDITED_BY_SOMEONE_ELSE, NOT_ALLOWED, PLAN_IS_CLOSED

if TYPE_CHECKING:
    from consent.access import PlanAccess

__all__ = [
    "back_to_section",
    "load_plan",
    "log_read",
    "readable_sections",
    "require_write",
    "show_conflict",
]

# Message tags that place a message inside a section of the plan page, not at the top.
SECTION_TAG = "at:"


def load_plan(request, plan_id: int, *, section: str | None = None) -> tuple[Plan, PlanAccess]:
    """The plan and the user's access to it, or 404: outsiders learn nothing.

    Every plan page shows the overview (whose plan, who coordinates it), so loading the plan
    declares that read; a view adds the sections it shows with `log_read`. One entry is written
    if the response succeeds."""
    plan, access = plan_and_access_or_404(request.user, plan_id)
    if section is not None:
        require_read(access, section)
    log_read(request, access, OVERVIEW)
    return plan, access


def readable_sections(access: PlanAccess) -> list[str]:
    """The sections this user may read, in the plan's order."""
    return [section for section in Section.values if access.can_read(section)]


def require_write(access: PlanAccess, allowed: bool) -> None:
    """403 with a reason for someone who may see the plan but not change this."""
    if access.plan.is_closed:
        raise PermissionDenied(PLAN_IS_CLOSED)
    if not allowed:
        raise PermissionDenied(NOT_ALLOWED)


def show_conflict(form, current, *, version: int | None = None) -> list[tuple[str, object]]:
    """After a lost race: keep the user's text in the form, point the hidden version at what
    is saved now (so saving again is a deliberate overwrite) and list the saved values."""
    data = form.data.copy()
    data["version"] = version if version is not None else current.version
    form.data = data
    form.add_error(None, EDITED_BY_SOMEONE_ELSE)
    return [
        (field.label, getattr(current, name))
        for name, field in form.fields.items()
        if name != "version" and hasattr(current, name)
    ]


def back_to_section(request, plan: Plan, anchor: str, saved: str):
    """Back to the part of the (long) plan page the user just saved, with the confirmation
    shown there (templates/includes/section_messages.html) rather than at the top, where
    nobody scrolled down would see it."""
    messages.success(request, saved, extra_tags=f"{SECTION_TAG}{anchor}")
    return redirect(f"{plan.get_absolute_url()}#{anchor}")
