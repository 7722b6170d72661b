"""Plan reads of one request, declared by views and written as one access-log entry per plan
(see ipplan.request_log): "leste Mål, Tiltak, Notater" instead of a row per section."""

from __future__ import annotations

from consent.models import AccessLogEntry
from consent.policy import PlanAccess
from consent.services.access_log import PlanRead, access_log_entries
from ipplan.request_log import flush_after_success, pending

Action = AccessLogEntry.Action
KIND = "plan"


def log_read(
    request, access: PlanAccess, *sections: str, action: str = Action.READ, target=None
) -> None:
    """Declare that this response shows these sections of the plan (or is this download)."""
    reads = pending(request, KIND)
    read = reads.get(access.plan.pk)
    if read is None:
        read = reads[access.plan.pk] = PlanRead(access=access)
    read.add(sections, action, target)


def _write(request, reads: dict[int, PlanRead]) -> None:
    access_log_entries(reads=reads.values(), actor=request.user)


access_log_middleware = flush_after_success(KIND, _write)
