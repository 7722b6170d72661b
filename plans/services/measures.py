"""Measures (tiltak): what each service or person does toward a goal, by whom and by when.
The owner's side writes its own contributions (egeninnsats); services' measures are written
by whoever may write the measures section."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from plans.models import Goal, Measure, Participant, Plan
from plans.sections import Section
from plans.services.common import (
    Action,
    access_for,
    changed_fields,
    record_change,
    save_versioned,
)

OWN_CONTRIBUTIONS_ONLY = _("Du kan legge til og endre det du selv bidrar med (egeninnsats).")
GOAL_ELSEWHERE = _("Målet hører til en annen plan.")
RESPONSIBLE_ELSEWHERE = _("Den ansvarlige er ikke deltaker i denne planen.")
ORGANISATION_ELSEWHERE = _("Tjenesten hører til en annen kommune.")
RESPONSIBLE_NOT_YOURS_TO_CHOOSE = _(
    "Uten tilgang til deltakerne kan du bare sette deg selv som ansvarlig. Skriv ellers hvem "
    "som utfører tiltaket i feltet for det."
)
LEVEL_REQUIRED = _("Velg hvilket nivå tiltaket er på (nivå 0 til 3 i BTI-modellen).")
LEVEL_ONLY_ON_RELAY_LOGS = _("Nivå (BTI) brukes bare på tiltak i en stafettlogg.")
OWNER_MEASURE_FIELDS = {"goal", "title", "how", "scope", "start_date", "deadline", "status"}


def may_choose_responsible(access, acting_user, participant, current=None) -> bool:
    """Who may not read the participants section chooses only themselves (or leaves the
    measure's responsible as it is): picking anyone else would put a participant's name, from
    a section they were not given, on the measure they then read."""
    return (
        access.can_read(Section.PARTICIPANTS)
        or participant.user_id == acting_user.pk
        or (current is not None and participant.pk == current.pk)
    )


def _check_links(plan: Plan, data: dict, access, acting_user, current=None) -> None:
    goal: Goal | None = data.get("goal")
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError({"goal": GOAL_ELSEWHERE})
    responsible: Participant | None = data.get("responsible")
    if responsible is not None and (responsible.plan_id != plan.pk or not responsible.is_active):
        raise ValidationError({"responsible": RESPONSIBLE_ELSEWHERE})
    if responsible is not None and not may_choose_responsible(
        access, acting_user, responsible, current
    ):
        raise ValidationError({"responsible": RESPONSIBLE_NOT_YOURS_TO_CHOOSE})
    organisation = data.get("organisation")
    if organisation is not None and organisation.municipality_id != plan.municipality_id:
        raise ValidationError({"organisation": ORGANISATION_ELSEWHERE})


def _check_level(plan: Plan, data: dict, measure: Measure | None = None) -> None:
    """A relay log's measures by the services have a BTI level; other kinds' measures get none
    (a relay log continued as an individual plan keeps the levels its measures had)."""
    current = measure.bti_level if measure is not None else None
    level = data.get("bti_level", current)
    if plan.kind == Plan.Kind.RELAY_LOG:
        own = data.get("is_own_contribution", measure is not None and measure.is_own_contribution)
        if level is None and not own:
            raise ValidationError({"bti_level": LEVEL_REQUIRED})
    elif level != current:
        raise ValidationError({"bti_level": LEVEL_ONLY_ON_RELAY_LOGS})


def _is_full_writer(access) -> bool:
    return access.can_write(Section.MEASURES)


@transaction.atomic
def measure_create(*, plan: Plan, acting_user, **data) -> Measure:
    access = access_for(acting_user, plan, lambda a: a.can_edit_own_contributions)
    if not _is_full_writer(access):
        if set(data) - OWNER_MEASURE_FIELDS:
            raise PermissionDenied(OWN_CONTRIBUTIONS_ONLY)
        data = {
            **data,
            "is_own_contribution": True,
            "performed_by": data.get("performed_by") or plan.owner.display_name,
        }
    _check_links(plan, data, access, acting_user)
    _check_level(plan, data)
    position = (Measure.objects.filter(plan=plan).aggregate(top=Max("position"))["top"] or 0) + 1
    measure = Measure(plan=plan, created_by=acting_user, position=position, **data)
    measure.full_clean()
    measure.save()
    summary = (
        gettext_noop("Ny egeninnsats: «%(title)s»")
        if measure.is_own_contribution
        else gettext_noop("Nytt tiltak: «%(title)s»")
    )
    record_change(
        access,
        measure,
        summary,
        params={"title": measure.title},
        action=Action.CREATE,
    )
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, expected_version: int, acting_user, **data) -> Measure:
    plan = measure.plan
    access = access_for(acting_user, plan, lambda a: a.can_edit_own_contributions)
    if not _is_full_writer(access) and (
        not measure.is_own_contribution or set(data) - OWNER_MEASURE_FIELDS
    ):
        raise PermissionDenied(OWN_CONTRIBUTIONS_ONLY)
    _check_links(plan, data, access, acting_user, current=measure.responsible)
    _check_level(plan, data, measure)
    candidate = Measure(**{f.attname: getattr(measure, f.attname) for f in Measure._meta.fields})
    for name, value in data.items():
        setattr(candidate, name, value)
    candidate.full_clean(
        exclude=["plan", "created_by"], validate_unique=False, validate_constraints=False
    )
    fields = changed_fields(measure, data)
    old_level = measure.bti_level
    save_versioned(measure, expected_version=expected_version, data=data)
    summary, params = gettext_noop("Endret tiltak: «%(title)s»"), {"title": measure.title}
    if "bti_level" in fields:
        # The history shows the level change (the BTI model's levels, on a relay log).
        summary = gettext_noop("Endret tiltak: «%(title)s», fra nivå %(old)s til nivå %(new)s")
        params |= {"old": old_level, "new": data["bti_level"]}
    record_change(
        access,
        measure,
        summary,
        params=params,
        action=Action.UPDATE,
        fields=fields,
    )
    return measure
