"""Case reads of one request, declared by the case pages and written as one case-log entry per
case (see ipplan.request_log): the person sees "Kari Nilsen så Saken, Vurdering, Brev" once per
page, not once per part or helper."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from casework.models import CaseAccessLogEntry
from ipplan.request_log import flush_after_success, pending

KIND = "case"


def case_log_read(request, case, *parts) -> None:
    """Declare that this response shows these parts of the case (translatable texts)."""
    shown = pending(request, KIND).setdefault(case.pk, {})
    with translation.override(settings.LANGUAGE_CODE):
        shown.update(dict.fromkeys(str(part)[:100] for part in parts))


def _write(request, reads: dict[int, dict]) -> None:
    CaseAccessLogEntry.objects.bulk_create(
        [
            CaseAccessLogEntry(
                case_id=case_id,
                actor=request.user,
                action="read",
                what=next(iter(parts)),
                shown=list(parts),
            )
            for case_id, parts in reads.items()
            if parts
        ]
    )


case_log_middleware = flush_after_success(KIND, _write)
