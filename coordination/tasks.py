"""Beat entry points; each calls one service."""

from __future__ import annotations

from celery import shared_task

from coordination.services import families, reminders, retention
from ipplan.locks import single_run


@shared_task
@single_run("send_reminders")
def send_reminders() -> dict:
    return reminders.send_reminders()


@shared_task
@single_run("delete_expired_working_copies")
def delete_expired_working_copies() -> dict:
    return retention.retention_run().as_dict()


@shared_task
@single_run("close_families_at_18")
def close_families_at_18() -> int:
    """A barnekoordinator's family workspace ends when the child turns 18."""
    return families.families_close_at_18()
