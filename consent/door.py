"""Consent's side of plans/access.py: what plans may ask of the access policy, the access log,
the history and the owner's consent. Installed by ConsentConfig.ready()."""

from __future__ import annotations

from consent.access import PlanAccess
from consent.policy import (
    full_read_access,
    municipalities_for,
    plan_access,
    plan_access_many,
    plan_and_access_or_404,
    plans_visible_filter,
    plans_visible_sql,
    require_read,
)
from consent.reads import log_read
from consent.selectors import (
    active_plan_consent,
    consent_history,
    plan_consent_exists,
    plan_consent_exists_sql,
)
from consent.services.access_log import access_log_write
from consent.services.consents import plan_consent_mark_withdrawn
from consent.services.grants import grants_revoke_all
from consent.services.history import record_change
from plans.sections import ActorRole

__all__ = [
    "access_log_write",
    "active_plan_consent",
    "consent_history",
    "coordinator_access",
    "full_read_access",
    "grants_revoke_all",
    "log_read",
    "municipalities_for",
    "plan_access",
    "plan_access_many",
    "plan_and_access_or_404",
    "plan_consent_exists",
    "plan_consent_exists_sql",
    "plan_consent_mark_withdrawn",
    "plans_visible_filter",
    "plans_visible_sql",
    "record_change",
    "require_read",
    "system_access",
]


def system_access(plan) -> PlanAccess:
    return PlanAccess(plan=plan, role=ActorRole.SYSTEM)


def coordinator_access(plan, user) -> PlanAccess:
    return PlanAccess(plan=plan, role=ActorRole.COORDINATOR, user=user)
