"""Celery entry points of the coordinating unit: letters to the digital mailbox. Each task only
calls a service (casework/services/deliveries.py)."""

from __future__ import annotations

from celery import shared_task

from casework.services import deliveries
from ipplan.locks import job_lock


@shared_task
def deliver_pending_letters() -> int:
    """Beat sweep, and published after a letter's commit: the due deliveries, one sweep at a
    time (each row is locked while it is sent anyway)."""
    with job_lock("deliver_pending_letters") as acquired:
        if not acquired:
            return 0
        return deliveries.deliveries_send_due()


@shared_task
def poll_letter_states() -> int:
    """Beat: how far the letters on their way have come (delivered, read)."""
    with job_lock("poll_letter_states") as acquired:
        if not acquired:
            return 0
        return deliveries.delivery_states_poll()
