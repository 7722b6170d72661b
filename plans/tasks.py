"""Beat entry points for plans; each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import translation

from ipplan.locks import single_run
from plans.services import archive


@shared_task
@single_run("archive_due_plans")
def archive_due_plans() -> int:
    return archive.archive_due_plans()


@shared_task
def make_plan_pdf(plan_id: int, user_id: int, language: str) -> None:
    """The reader's PDF of the plan, made off the web request (plans.services.pdf)."""
    from plans.models import Plan
    from plans.services.pdf import plan_pdf_make

    plan = Plan.objects.select_related("owner", "coordinator", "municipality").get(pk=plan_id)
    user = get_user_model().objects.get(pk=user_id)
    with translation.override(language):
        plan_pdf_make(plan=plan, user=user)
