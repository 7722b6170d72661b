"""Delivery of the notification outbox. Each task only calls the notifications service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from accounts import contact_registry, outbox
from ipplan.locks import job_lock


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_outbox_message(message_id: int) -> bool:
    """One message, published after the commit that wrote it. A failed send is counted and
    scheduled with backoff by the service; the sweep makes the next attempt when it is due."""
    try:
        return outbox.deliver(message_id)
    except Exception:
        return False


@shared_task(bind=True)
def deliver_pending_outbox(self) -> int:
    """Beat sweep: due rows (e.g. queued while the broker was down, or retries), in small
    time-boxed batches; a sweep that had more to do queues the next batch at once. One sweep
    at a time (rows are locked one by one anyway: overlapping sweeps would only compete)."""
    with job_lock("deliver_pending_outbox") as acquired:
        if not acquired:
            return 0
        sent, more = outbox.deliver_due(
            batch=settings.IPPLAN_OUTBOX_SWEEP_BATCH,
            seconds=settings.IPPLAN_OUTBOX_SWEEP_SECONDS,
        )
    if more:
        self.apply_async(countdown=0)
    return sent


@shared_task(acks_late=True)
def refresh_contact_details(user_id: int) -> bool:
    """After a login: what KRR holds on the person now (never raises; a failure keeps what is
    stored, and the next send asks again)."""
    return contact_registry.registry_refresh_user(user_id) is not None
