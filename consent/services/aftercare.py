"""The young person's choice at 18 about the child welfare service: whether it keeps access to
the plan (aftercare, the legal reference "aftercare"), given as the young person's own consent
to share with it. Nothing the service wrote or gave is deleted; without a choice its role and
the grants it gave simply end at 18."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from consent.coming_of_age import care_caseworkers
from consent.models import AccessLogEntry
from consent.policy import plan_access
from consent.services.grants import grants_decide
from consent.services.history import record_change
from plans.models import Participant, Plan

ONLY_THE_YOUNG_PERSON = _(
    "Bare den unge selv kan bestemme om barnevernstjenesten skal ha tilgang etter 18 år."
)
AFTERCARE_TITLE = _("Barnevernstjenesten (ettervern)")


def _participant_for(plan: Plan, caseworker, access) -> Participant:
    participant = Participant.objects.filter(plan=plan, user=caseworker, is_active=True).first()
    if participant is not None:
        return participant
    participant = Participant.objects.create(
        plan=plan,
        user=caseworker,
        name=caseworker.display_name,
        role=Participant.Role.SERVICE_PROVIDER,
        title=str(AFTERCARE_TITLE),
    )
    record_change(
        access,
        participant,
        gettext_noop("Ny deltaker: %(name)s"),
        params={"name": participant.name},
        action=AccessLogEntry.Action.CREATE,
    )
    return participant


@transaction.atomic
def aftercare_access_give(
    *, plan: Plan, acting_user, levels: dict[str, str | None], ends_on: datetime.date
) -> Participant | None:
    """The young person, deciding for themselves, lets the child welfare service that had
    their care see (or write in) these sections until `ends_on`: a participant (if it is not
    one already) and grants, with the young person's own consent to share
    (consent.services.grants). No section at all: the choice is recorded, nothing more."""
    access = plan_access(acting_user, plan)
    care = care_caseworkers(plan)
    if acting_user.pk != plan.owner_id or not access.can_manage_access or not care:
        raise PermissionDenied(ONLY_THE_YOUNG_PERSON)
    caseworker = care[0].representative
    if not any(levels.values()):
        return _aftercare_declined(plan, caseworker, access, acting_user)
    participant = _participant_for(plan, caseworker, access)
    grants_decide(
        plan=plan,
        participant=participant,
        levels=levels,
        ends_on=ends_on,
        acting_user=acting_user,
    )
    return participant


def _aftercare_declined(plan: Plan, caseworker, access, acting_user) -> Participant | None:
    """No access after 18: any grant the young person gave the service is ended, and the
    choice is in the plan's history; the service's earlier work stays in the plan."""
    participant = Participant.objects.filter(plan=plan, user=caseworker, is_active=True).first()
    if participant is not None:
        grants_decide(
            plan=plan,
            participant=participant,
            levels={},
            ends_on=timezone.localdate(),
            acting_user=acting_user,
        )
    record_change(
        access,
        plan,
        gettext_noop("Etter 18 år: %(name)s (barnevernstjenesten) får ikke tilgang til planen"),
        params={"name": caseworker.display_name},
        action=AccessLogEntry.Action.UPDATE,
    )
    return participant
