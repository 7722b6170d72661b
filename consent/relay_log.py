"""The relay log page's word on the consent to an individual plan: who has consented and who
it still waits for, shown to the owner's side and the holder (plans.extensions)."""

from __future__ import annotations

from consent.selectors import ip_consent_state
from plans.models import Plan


def relay_log_page_part(*, plan: Plan, access, user, facts=None) -> dict:
    if plan.kind != Plan.Kind.RELAY_LOG or plan.is_closed:
        return {}
    if not (access.is_owner_side or access.is_coordinator):
        return {}
    state = ip_consent_state(plan)
    if state.consent is None:
        return {}
    return {"ip_consent": state}
