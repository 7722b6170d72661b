"""Beat entry points; each calls one service."""

from __future__ import annotations

from celery import shared_task

from coordination.services import reminders


@shared_task
def send_reminders() -> dict:
    return reminders.send_reminders()
