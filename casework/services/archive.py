"""Archive packages downloaded by the municipal administrator, logged for every person whose
documents they hold: in the plan's access log (the plan's snapshots) and in the case's log
(letters and case files), so that each person can see who took their documents out."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from casework.models import CaseAccessLogEntry
from consent.access import PlanAccess
from plans.access import access_log_write
from plans.models import Plan
from plans.sections import OVERVIEW, Action, ActorRole, Section
from plans.services import noark


@transaction.atomic
def package_download(*, municipality_id: int, year: int, month: int, acting_user) -> bytes | None:
    deliveries = list(
        noark.package_deliveries(municipality_id=municipality_id, year=year, month=month)
    )
    if not deliveries:
        return None
    data = noark.package_build(deliveries=deliveries)
    _log_plans(deliveries, acting_user)
    _log_cases(deliveries, acting_user)
    return data


def _log_plans(deliveries, acting_user) -> None:
    plan_ids = {d.plan_id for d in deliveries if d.plan_id}
    for plan in Plan.objects.filter(pk__in=plan_ids).select_related("owner"):
        access_log_write(
            access=PlanAccess(plan=plan, role=ActorRole.ADMINISTRATOR),
            actor=acting_user,
            action=Action.DOWNLOAD,
            section=OVERVIEW,
            sections=list(Section.values),
        )


def _log_cases(deliveries, acting_user) -> None:
    case_ids = {
        int(d.folder_key.split(":", 1)[1]) for d in deliveries if d.folder_key.startswith("case:")
    }
    CaseAccessLogEntry.objects.bulk_create(
        [
            CaseAccessLogEntry(
                case_id=case_id,
                actor=acting_user,
                action="archive",
                what=gettext_noop("Arkivpakke lastet ned"),
            )
            for case_id in sorted(case_ids)
        ]
    )
