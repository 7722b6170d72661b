"""Goals and sub-goals, in the owner's words. The owner's side edits the wording; whoever may
write the goals section also sets status, dates and order."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from plans.models import Goal, Plan
from plans.sections import Section
from plans.services.common import (
    Action,
    access_for,
    changed_fields,
    record_change,
    save_versioned,
)

SUBGOAL_DEPTH = _("Et delmål kan ikke ha egne delmål. Velg et hovedmål.")
PARENT_ELSEWHERE = _("Hovedmålet hører til en annen plan.")
OWNER_FIELDS_ONLY = _(
    "Du kan endre ordlyden i målene dine. Status og datoer settes av koordinator."
)
CANNOT_MOVE = _("Målet kan ikke flyttes dit.")

WORDING_FIELDS = ("title", "description")


def _check_parent(plan: Plan, parent: Goal | None) -> None:
    if parent is None:
        return
    if parent.plan_id != plan.pk:
        raise ValidationError({"parent": PARENT_ELSEWHERE})
    if parent.parent_id is not None:
        raise ValidationError({"parent": SUBGOAL_DEPTH})


@transaction.atomic
def goal_create(
    *,
    plan: Plan,
    title: str,
    description: str = "",
    parent: Goal | None = None,
    status: str = Goal.Status.NOT_STARTED,
    target_date: datetime.date | None = None,
    acting_user,
) -> Goal:
    """The owner's side may add goals in their own words; status and date stay at defaults."""
    access = access_for(acting_user, plan, lambda a: a.can_edit_goal_wording)
    if not access.can_write(Section.GOALS) and (
        status != Goal.Status.NOT_STARTED or target_date is not None
    ):
        raise PermissionDenied(OWNER_FIELDS_ONLY)
    _check_parent(plan, parent)
    siblings = Goal.objects.filter(plan=plan, parent=parent)
    position = (siblings.aggregate(top=Max("position"))["top"] or 0) + 1
    goal = Goal(
        plan=plan,
        parent=parent,
        title=title,
        description=description,
        status=status,
        target_date=target_date,
        position=position,
        created_by=acting_user,
    )
    goal.full_clean()
    goal.save()
    record_change(
        access,
        goal,
        gettext_noop("Nytt mål: «%(title)s»"),
        params={"title": goal.title},
        action=Action.CREATE,
    )
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, expected_version: int, acting_user, **data) -> Goal:
    """Update a goal. `data` holds the fields the form showed this user."""
    plan = goal.plan
    access = access_for(acting_user, plan, lambda a: a.can_edit_goal_wording)
    if not access.can_write(Section.GOALS) and set(data) - set(WORDING_FIELDS):
        raise PermissionDenied(OWNER_FIELDS_ONLY)
    if "parent" in data:
        _check_parent(plan, data["parent"])
        if data["parent"] is not None and goal.subgoals.exists():
            raise ValidationError({"parent": SUBGOAL_DEPTH})
        if data["parent"] is not None and data["parent"].pk == goal.pk:
            raise ValidationError({"parent": SUBGOAL_DEPTH})
    fields = changed_fields(goal, data)
    candidate = Goal(**{**{f.attname: getattr(goal, f.attname) for f in Goal._meta.fields}})
    for name, value in data.items():
        setattr(candidate, name, value)
    candidate.full_clean(
        exclude=["plan", "created_by"], validate_unique=False, validate_constraints=False
    )
    save_versioned(goal, expected_version=expected_version, data=data)
    record_change(
        access,
        goal,
        gettext_noop("Endret mål: «%(title)s»"),
        params={"title": goal.title},
        action=Action.UPDATE,
        fields=fields,
    )
    return goal


@transaction.atomic
def goal_move(*, goal: Goal, direction: str, acting_user) -> Goal:
    """Swap a goal with its neighbour above ("up") or below ("down") among its siblings."""
    plan = goal.plan
    access = access_for(acting_user, plan, lambda a: a.can_write(Section.GOALS))
    siblings = list(
        Goal.objects.select_for_update()
        .filter(plan=plan, parent_id=goal.parent_id)
        .order_by("position", "pk")
    )
    index = next(i for i, g in enumerate(siblings) if g.pk == goal.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(siblings):
        raise ValidationError(CANNOT_MOVE)
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    Goal.objects.bulk_update(siblings, ["position"])
    record_change(
        access,
        goal,
        gettext_noop("Endret rekkefølgen på målene («%(title)s» flyttet)"),
        params={"title": goal.title},
        action=Action.UPDATE,
        fields=["position"],
    )
    return goal
