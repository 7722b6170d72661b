"""Who takes part in the plan (item b), what they contribute (item d), and the cooperation
with other services the plan needs (item i)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from plans.access import grants_revoke_all
from plans.models import CooperationNeed, Participant, Plan
from plans.sections import Section
from plans.services.common import (
    Action,
    access_for,
    changed_fields,
    record_change,
    save_versioned,
)

ALREADY_PARTICIPANT = _("Denne personen er allerede med i planen.")
ORGANISATION_ELSEWHERE = _("Tjenesten hører til en annen kommune.")
STILL_RESPONSIBLE = _(
    "Deltakeren er ansvarlig for tiltak som ikke er avsluttet. Gi ansvaret til en annen først."
)


def _check_organisation(plan: Plan, organisation) -> None:
    if organisation is not None and organisation.municipality_id != plan.municipality_id:
        raise ValidationError({"organisation": ORGANISATION_ELSEWHERE})


@transaction.atomic
def participant_add(*, plan: Plan, acting_user, **data) -> Participant:
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    _check_organisation(plan, data.get("organisation"))
    participant = Participant(plan=plan, **data)
    participant.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        raise ValidationError(ALREADY_PARTICIPANT, code="duplicate") from None
    record_change(
        access,
        participant,
        gettext_noop("Ny deltaker: %(name)s"),
        params={"name": participant.name},
        action=Action.CREATE,
    )
    return participant


@transaction.atomic
def participant_update(
    *, participant: Participant, expected_version: int, acting_user, **data
) -> Participant:
    plan = participant.plan
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    _check_organisation(plan, data.get("organisation"))
    fields = changed_fields(participant, data)
    save_versioned(participant, expected_version=expected_version, data=data)
    record_change(
        access,
        participant,
        gettext_noop("Endret deltaker: %(name)s"),
        params={"name": participant.name},
        action=Action.UPDATE,
        fields=fields,
    )
    return participant


@transaction.atomic
def participant_remove(*, participant: Participant, acting_user) -> Participant:
    """A participant leaves the plan; the row stays, for the history and the log."""
    plan = participant.plan
    access = access_for(acting_user, plan, lambda a: a.can_manage_plan)
    if participant.responsible_for.filter(status__in=["planned", "ongoing"]).exists():
        raise ValidationError(STILL_RESPONSIBLE, code="responsible")
    grants_revoke_all(plan=plan, participant=participant, acting_user=acting_user)
    participant.is_active = False
    participant.left_at = timezone.now()
    participant.version += 1
    participant.save(update_fields=["is_active", "left_at", "version", "updated_at"])
    record_change(
        access,
        participant,
        gettext_noop("%(name)s er ikke lenger med i planen"),
        params={"name": participant.name},
        action=Action.DELETE,
    )
    return participant


@transaction.atomic
def cooperation_create(*, plan: Plan, with_whom: str, description: str, acting_user):
    access = access_for(acting_user, plan, lambda a: a.can_write(Section.PARTICIPANTS))
    top = CooperationNeed.objects.filter(plan=plan).aggregate(top=Max("position"))["top"] or 0
    need = CooperationNeed(
        plan=plan, with_whom=with_whom, description=description, position=top + 1
    )
    need.full_clean()
    need.save()
    record_change(
        access,
        need,
        gettext_noop("Nytt samarbeidsbehov: %(name)s"),
        params={"name": need.with_whom},
        action=Action.CREATE,
    )
    return need


@transaction.atomic
def cooperation_update(
    *,
    need: CooperationNeed,
    expected_version: int,
    with_whom: str,
    description: str,
    acting_user,
):
    access = access_for(acting_user, need.plan, lambda a: a.can_write(Section.PARTICIPANTS))
    data = {"with_whom": with_whom, "description": description}
    fields = changed_fields(need, data)
    save_versioned(need, expected_version=expected_version, data=data)
    record_change(
        access,
        need,
        gettext_noop("Endret samarbeidsbehov: %(name)s"),
        params={"name": need.with_whom},
        action=Action.UPDATE,
        fields=fields,
    )
    return need


@transaction.atomic
def cooperation_delete(*, need: CooperationNeed, acting_user) -> None:
    plan = need.plan
    access = access_for(acting_user, plan, lambda a: a.can_write(Section.PARTICIPANTS))
    record_change(
        access,
        need,
        gettext_noop("Fjernet samarbeidsbehov: %(name)s"),
        params={"name": need.with_whom},
        action=Action.DELETE,
    )
    need.delete()
