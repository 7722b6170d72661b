"""The door through which plans asks the access policy, writes the access log and the plan's
history, and reads the owner's consent.

The policy (consent/policy.py) is built from the owner's consent and grants, which are
consent's models, so consent lives on the floor above plans and plans imports nothing from
it. Plans' pages and services still ask that one policy every access question: consent
installs its side of this door when the app registry is ready (ConsentConfig.ready, with
consent/door.py), and plans calls only the functions below. Without consent installed every
question fails loudly; nothing is ever allowed by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from consent.access import PlanAccess

_door: Any = None


def install(door) -> None:
    """Called once by consent when the app registry is ready."""
    global _door
    _door = door


def _policy():
    if _door is None:
        raise ImproperlyConfigured("No access policy for plans: consent is not installed.")
    return _door


# --- Who may see and do what (consent/policy.py) ----------------------------------------------


def plan_access(user, plan) -> PlanAccess:
    return _policy().plan_access(user, plan)


def plan_access_many(user, plans) -> list[PlanAccess]:
    return _policy().plan_access_many(user, plans)


def plan_and_access_or_404(user, plan_id: int):
    return _policy().plan_and_access_or_404(user, plan_id)


def require_read(access: PlanAccess, section: str) -> None:
    _policy().require_read(access, section)


def full_read_access(plan) -> PlanAccess:
    """For the system's own complete copies (archive snapshots); never for a person."""
    return _policy().full_read_access(plan)


def system_access(plan) -> PlanAccess:
    """The system acting on its own (a periodic archive copy): reads nothing by itself."""
    return _policy().system_access(plan)


def coordinator_access(plan, user) -> PlanAccess:
    """The coordinator's access as the handover makes it, before the plan says so."""
    return _policy().coordinator_access(plan, user)


def plans_visible_filter(user):
    return _policy().plans_visible_filter(user)


def plans_visible_sql(user, *, plan: str = "plans_plan") -> tuple[str, list]:
    """plans_visible_filter as a SQL condition on the plan table and its parameters."""
    return _policy().plans_visible_sql(user, plan=plan)


def municipalities_for(user, role: str | None = None):
    return _policy().municipalities_for(user, role)


# --- The access log and the plan's history ---------------------------------------------------


def log_read(request, access: PlanAccess, *sections: str, **kwargs) -> None:
    _policy().log_read(request, access, *sections, **kwargs)


def access_log_write(**kwargs):
    return _policy().access_log_write(**kwargs)


def record_change(access: PlanAccess, target, summary, **kwargs):
    return _policy().record_change(access, target, summary, **kwargs)


# --- The owner's consent and grants -----------------------------------------------------------


def active_plan_consent(plan):
    return _policy().active_plan_consent(plan)


def consent_history(plan) -> list:
    """Every consent record of the plan (to it and to sharing, with co-signatures, withdrawals
    and replacements), oldest first: for the archive copy."""
    return _policy().consent_history(plan)


def plan_consent_exists():
    """Annotation: the plan has a consent in force."""
    return _policy().plan_consent_exists()


def plan_consent_exists_sql(plan: str = "plans_plan") -> tuple[str, list]:
    """plan_consent_exists as a SQL condition on the plan table and its parameters."""
    return _policy().plan_consent_exists_sql(plan)


def plan_consent_mark_withdrawn(*, plan, acting_user):
    return _policy().plan_consent_mark_withdrawn(plan=plan, acting_user=acting_user)


def grants_revoke_all(*, plan, acting_user, participant=None) -> int:
    return _policy().grants_revoke_all(plan=plan, acting_user=acting_user, participant=participant)
