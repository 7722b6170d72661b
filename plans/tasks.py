"""Beat entry points for plans; each calls one service."""

from __future__ import annotations

from celery import shared_task

from plans.services import archive


@shared_task
def archive_due_plans() -> int:
    return archive.archive_due_plans()
