"""What the consent pages share: the plan loader and the refusal."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from consent.policy import plan_and_access_or_404
from consent.reads import log_read
from plans.sections import OVERVIEW


def load_plan(request, plan_id):
    """The plan and access, or 404; every page here shows the plan's overview (declared as a
    read, written as one access-log entry if the response succeeds)."""
    plan, access = plan_and_access_or_404(request.user, plan_id)
    log_read(request, access, OVERVIEW)
    return plan, access


def forbid_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(
            _(
                "Dette kan bare planeier, eller den som samtykker for planeier, "
                "eller koordinatoren gjøre."
            )
        )
