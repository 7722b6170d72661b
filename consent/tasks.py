from __future__ import annotations

from celery import shared_task

from consent import coming_of_age
from consent.services.grants import delete_expired_permissions as delete_expired
from ipplan.locks import single_run


@shared_task
@single_run("coming_of_age_notices")
def coming_of_age_notices() -> int:
    return coming_of_age.coming_of_age_notices()


@shared_task
@single_run("delete_expired_permissions")
def delete_expired_permissions() -> int:
    return delete_expired()
