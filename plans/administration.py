"""Retention as the municipal administrator sees it (accounts/views_admin.py, "oppbevaring"):
counts of closed plans due for deletion, plans held back, and the recent tombstones (plan
number, dates, archive hash: no content, no names). Registered in PlansConfig.ready()."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.administration_tasks import Task
from accounts.models import Municipality
from plans.models import Plan, PlanDeletion
from plans.retention import access_log_due, working_copy_due

SOON = datetime.timedelta(days=30)
RECENT = 20


def retention_figures(*, municipality_ids, now=None) -> dict[str, int]:
    """Two queries, however many plans: the municipalities' periods, then one count each."""
    soon = (now or timezone.now()) + SOON
    municipalities = list(
        Municipality.objects.filter(pk__in=municipality_ids).only(
            "pk", "working_copy_retention_months", "access_log_retention_months"
        )
    )
    due = working_copy_due(soon, municipalities)
    return Plan.objects.filter(municipality_id__in=municipality_ids).aggregate(
        due_soon=Count("pk", filter=due & Q(retention_problem="")),
        held=Count("pk", filter=~Q(retention_problem="") & Q(working_copy_deleted_at=None)),
        access_logs_due_soon=Count("pk", filter=access_log_due(soon, municipalities)),
        deleted=Count("pk", filter=Q(working_copy_deleted_at__isnull=False)),
    )


def retention_part(municipality_ids) -> dict:
    held = (
        Plan.objects.filter(municipality_id__in=municipality_ids, working_copy_deleted_at=None)
        .exclude(retention_problem="")
        .only("pk", "closed_at", "retention_problem", "retention_problem_at")
        .order_by("closed_at", "pk")[:RECENT]
    )
    deletions = PlanDeletion.objects.filter(municipality_id__in=municipality_ids).order_by(
        "-deleted_at", "-pk"
    )[:RECENT]
    return {
        "retention_figures": retention_figures(municipality_ids=municipality_ids),
        "retention_held": list(held),
        "retention_deletions": list(deletions),
    }


def retention_task(municipality_ids) -> dict:
    figures = retention_figures(municipality_ids=municipality_ids)
    summary = ngettext(
        "%(n)d avsluttet plan får arbeidskopien slettet de neste 30 dagene. Arkivkopien blir "
        "i arkivet.",
        "%(n)d avsluttede planer får arbeidskopien slettet de neste 30 dagene. Arkivkopien "
        "blir i arkivet.",
        figures["due_soon"],
    ) % {"n": figures["due_soon"]}
    attention = ""
    if figures["held"]:
        attention = ngettext(
            "%(n)d plan er holdt tilbake fordi arkivkopien mangler eller ikke stemmer.",
            "%(n)d planer er holdt tilbake fordi arkivkopien mangler eller ikke stemmer.",
            figures["held"],
        ) % {"n": figures["held"]}
    task = Task(
        "retention",
        _("Oppbevaring og sletting"),
        reverse("administration:retention"),
        summary,
        attention,
    )
    return {"retention": task}
