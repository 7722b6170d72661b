"""Sub-plans and documents that are part of the plan (IOP, treatment plan, training)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from ipplan.files import private_storage, stored_upload
from plans.models import Plan, SubPlan
from plans.sections import Action, Section
from plans.services.common import access_for, record_change


@transaction.atomic
def subplan_upload(*, plan: Plan, kind: str, title: str, upload, acting_user) -> SubPlan:
    access = access_for(acting_user, plan, lambda a: a.can_write(Section.DOCUMENTS))
    with stored_upload(upload, folder="subplans") as stored:
        subplan = SubPlan(
            plan=plan,
            kind=kind,
            title=title,
            storage_name=stored.storage_name,
            original_name=stored.original_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=acting_user,
        )
        subplan.full_clean()
        subplan.save()
        record_change(
            access,
            subplan,
            gettext_noop("Nytt dokument: %(title)s"),
            params={"title": subplan.title},
            action=Action.CREATE,
        )
    return subplan


def subplan_open(subplan: SubPlan):
    return private_storage().open(subplan.storage_name, "rb")
