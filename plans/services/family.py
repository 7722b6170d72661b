"""The barnekoordinator's family workspace, the part the coordinating unit needs: making it
when the barnekoordinator is appointed (casework.services.cases.decision_appoint) and the log
the parents read. Everything the barnekoordinator does in it is in
coordination/services/families.py."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from plans.models import Family, FamilyLogEntry, FamilyTask, Plan


def family_log(family: Family, actor, action: str, what) -> None:
    """`what` is a translatable text, stored in bokmål (its source), translated when shown."""
    with translation.override(settings.LANGUAGE_CODE):
        what = str(what)
    FamilyLogEntry.objects.create(family=family, actor=actor, action=action, what=what[:100])


@transaction.atomic
def family_create(
    *,
    child: User,
    municipality,
    coordinator: User,
    expected_on: datetime.date | None,
    plan: Plan | None,
    acting_user,
) -> Family:
    """Called by the coordinating unit's appointment (casework.services.cases.decision_appoint),
    which has checked the decision and the coordinator. One active workspace per child: a
    second appointment for the same child moves the workspace to the new barnekoordinator."""
    family = Family.objects.select_for_update().filter(child=child, status="active").first()
    if family is not None:
        family.coordinator = coordinator
        family.plan = family.plan or plan
        family.save(update_fields=["coordinator", "plan"])
        family_log(family, acting_user, "update", _("Barnekoordinator oppnevnt"))
        return family
    family = Family.objects.create(
        municipality=municipality,
        child=child,
        coordinator=coordinator,
        expected_on=expected_on,
        plan=plan,
    )
    FamilyTask.objects.bulk_create(
        FamilyTask(family=family, kind=kind) for kind in FamilyTask.Kind.values
    )
    family_log(family, acting_user, "create", _("Familiens side"))
    return family
