"""What every write on a plan shares: the access check, the closed-plan guard, optimistic
concurrency, the change history and the access log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.access import plan_access, record_change  # noqa: F401 (re-exported for plan services)
from plans.models import Plan
from plans.sections import Action  # noqa: F401 (re-exported for plan services)

if TYPE_CHECKING:
    from consent.access import PlanAccess


PLAN_IS_CLOSED = _("Planen er avsluttet og kan ikke endres.")
NOT_ALLOWED = _("Du har ikke lov til å gjøre denne endringen.")
EDITED_BY_SOMEONE_ELSE = _(
    "Noen andre har lagret en endring her mens du skrev. Se over det som er lagret nå, og "
    "gjør endringen din på nytt. Teksten du skrev er tatt vare på nedenfor."
)


class PlanClosedError(PermissionDenied):
    def __init__(self):
        super().__init__(PLAN_IS_CLOSED)


class ConcurrentEditError(Exception):
    """Raised when the row changed since the user's form was rendered."""

    message = EDITED_BY_SOMEONE_ELSE


def ensure_open(plan: Plan) -> None:
    if plan.is_closed:
        raise PlanClosedError


def access_for(acting_user, plan: Plan, allowed) -> PlanAccess:
    """The acting user's access, after checking `allowed(access)` and that the plan is open."""
    ensure_open(plan)
    access = plan_access(acting_user, plan)
    if not allowed(access):
        raise PermissionDenied(NOT_ALLOWED)
    return access


def changed_fields(instance: models.Model, data: dict) -> list[str]:
    return [name for name, value in data.items() if getattr(instance, name) != value]


def save_versioned(instance, *, expected_version: int, data: dict, version_field="version"):
    """Compare-and-set: write `data` only if nobody saved since `expected_version`.

    One UPDATE ... WHERE version = expected; if it touches no row, someone else won.
    """
    model = type(instance)
    updates = {**data, version_field: F(version_field) + 1}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        updates["updated_at"] = timezone.now()
    updated = model.objects.filter(pk=instance.pk, **{version_field: expected_version}).update(
        **updates
    )
    if not updated:
        raise ConcurrentEditError
    for name, value in data.items():
        setattr(instance, name, value)
    setattr(instance, version_field, expected_version + 1)
    return instance
