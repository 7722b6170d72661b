from __future__ import annotations

from celery import shared_task

from consent.services.grants import delete_expired_permissions as delete_expired


@shared_task
def delete_expired_permissions() -> int:
    return delete_expired()
