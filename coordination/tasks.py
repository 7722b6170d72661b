"""Beat entry points; each calls one service."""

from __future__ import annotations

from celery import shared_task

from coordination.services import reminders
from ipplan.locks import single_run


@shared_task
@single_run("send_reminders")
def send_reminders() -> dict:
    return reminders.send_reminders()
