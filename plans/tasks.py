"""Beat entry points for plans; each calls one service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation
from kombu.exceptions import OperationalError

from ipplan.locks import single_run
from plans.services import archive
from plans.services.pdf import PENDING_SECONDS, plan_pdf_make, plan_pdf_stored

logger = logging.getLogger(__name__)


@shared_task
@single_run("archive_due_plans")
def archive_due_plans() -> int:
    return archive.archive_due_plans()


@shared_task
def make_plan_pdf(plan_id: int, user_id: int, language: str) -> None:
    """The reader's PDF of the plan, made off the web request (plans.services.pdf)."""
    from plans.models import Plan

    plan = Plan.objects.select_related("owner", "coordinator", "municipality").get(pk=plan_id)
    user = get_user_model().objects.get(pk=user_id)
    with translation.override(language):
        plan_pdf_make(plan=plan, user=user)


def plan_pdf_request(*, plan, user, key: str) -> str | None:
    """The stored copy for `key`, asking the worker to make it if there is none. With eager
    Celery (the demo) it is made at once; if the broker cannot take the task, it is made in
    this request rather than never."""
    if cache.add(f"plan-pdf-pending:{key}", 1, PENDING_SECONDS):
        try:
            make_plan_pdf.apply_async((plan.pk, user.pk, translation.get_language()), retry=False)
        except (OperationalError, OSError):  # the broker is down: slow, but the reader gets it
            logger.warning("broker unavailable, plan PDF made in the request")
            plan_pdf_make(plan=plan, user=user)
    return plan_pdf_stored(plan_id=plan.pk, user_id=user.pk, key=key)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_archive_delivery(delivery_id: int) -> bool:
    """One archive delivery, published after the commit that recorded it; a failure is counted
    and retried by the sweep when due."""
    from plans.noark import delivery

    try:
        return delivery.deliver(delivery_id)
    except Exception:
        return False


@shared_task
@single_run("deliver_due_archive")
def deliver_due_archive() -> int:
    from plans.noark import delivery

    if settings.IPPLAN_ARCHIVE_MODE != "fiks":
        return 0
    return delivery.deliver_due()


@shared_task
@single_run("receive_archive_receipts")
def receive_archive_receipts() -> int:
    """The archive's receipts from our Fiks IO queue; an unreachable queue is tried next time."""
    from plans.noark import delivery

    if settings.IPPLAN_ARCHIVE_MODE != "fiks":
        return 0
    try:
        return delivery.receive_receipts()
    except Exception as error:
        logger.warning("archive receipts: queue not read (%s)", type(error).__name__)
        return 0
