"""What plan views share: loading a plan through the policy (404 for outsiders), logging
reads, and showing an edit conflict without losing what the user typed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from consent.models import AccessLogEntry
from consent.policy import PlanAccess, plan_and_access_or_404, require_read
from consent.services import access_log_read_sections, access_log_write
from plans.models import Plan
from plans.services.common import EDITED_BY_SOMEONE_ELSE, NOT_ALLOWED, PLAN_IS_CLOSED


def load_plan(request, plan_id: int, *, section: str | None = None) -> tuple[Plan, PlanAccess]:
    """The plan and the user's access to it, or 404: outsiders learn nothing."""
    plan, access = plan_and_access_or_404(request.user, plan_id)
    if section is not None:
        require_read(access, section)
    return plan, access


def require_write(access: PlanAccess, allowed: bool) -> None:
    """403 with a reason for someone who may see the plan but not change this."""
    if access.plan.is_closed:
        raise PermissionDenied(PLAN_IS_CLOSED)
    if not allowed:
        raise PermissionDenied(NOT_ALLOWED)


def log_read(request, access: PlanAccess, *sections: str, target=None) -> None:
    if target is not None and len(sections) == 1:
        access_log_write(
            access=access,
            actor=request.user,
            action=AccessLogEntry.Action.READ,
            section=sections[0],
            target=target,
        )
    else:
        access_log_read_sections(access=access, actor=request.user, sections=sections)


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
