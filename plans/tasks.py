"""Beat entry points for plans; each calls one service."""

from __future__ import annotations

from celery import shared_task

from ipplan.locks import single_run
from plans.services import archive


@shared_task
@single_run("archive_due_plans")
def archive_due_plans() -> int:
    return archive.archive_due_plans()
