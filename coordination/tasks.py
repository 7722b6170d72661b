"""Beat entry points; each calls one service."""

from __future__ import annotations

from celery import shared_task

from coordination.services import reminders, retention
from ipplan.locks import single_run


@shared_task
@single_run("send_reminders")
def send_reminders() -> dict:
    return reminders.send_reminders()


@shared_task
@single_run("delete_expired_working_copies")
def delete_expired_working_copies() -> dict:
    return retention.retention_run().as_dict()
