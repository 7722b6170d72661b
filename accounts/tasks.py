"""Delivery of the notification outbox. Each task only calls the notifications service."""

from __future__ import annotations

from celery import shared_task

from accounts import notifications


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
    default_retry_delay=30,
)
def deliver_outbox_message(self, message_id: int) -> bool:
    try:
        return notifications.deliver(message_id)
    except Exception as error:
        notifications.record_failure(message_id, error)
        # Exponential backoff: 30 s, 1 min, 2 min ... ; the sweep is the last resort.
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


@shared_task
def deliver_pending_outbox() -> int:
    """Beat sweep: everything not yet sent (e.g. queued while the broker was down)."""
    sent = 0
    for message_id in notifications.pending_ids():
        try:
            sent += notifications.deliver(message_id)
        except Exception as error:
            notifications.record_failure(message_id, error)
    return sent
