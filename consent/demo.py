"""Consent and grants for the demo plans (run by `manage.py seed_demo` after plans.demo):
Ingrid consents and lets Per (NAV) see her goals and what is being done for a year, and Kari
suggests that he may also read the progress notes, which waits for Ingrid; Lars consents for
Emma and lets Sara (teacher) follow goals and measures and write notes until summer. Each
plan is then activated. Idempotent: a plan that is no longer a draft is left as it is.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from consent.services.consents import plan_consent_give
from consent.services.grants import grants_decide, grants_propose
from plans.models import Participant, Plan
from plans.services.lifecycle import plan_activate


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _draft(owner_username: str) -> Plan | None:
    return Plan.objects.filter(owner__username=owner_username, status=Plan.Status.DRAFT).first()


def _participant(plan: Plan, username: str) -> Participant:
    return Participant.objects.get(plan=plan, user__username=username, is_active=True)


def seed(stdout) -> None:
    kari = User.objects.get(username="koordinator")
    if plan := _draft("innbygger"):
        ingrid = plan.owner
        plan_consent_give(plan=plan, acting_user=ingrid)
        plan_activate(plan=plan, acting_user=kari)
        per = _participant(plan, "nav")
        grants_decide(
            plan=plan,
            participant=per,
            ends_on=_days(365),
            acting_user=ingrid,
            levels={"goals": "read", "measures": "read", "participants": "read"},
        )
        grants_propose(
            plan=plan,
            participant=per,
            ends_on=_days(365),
            acting_user=kari,
            levels={"notes": "read"},
        )
    if plan := _draft("sander"):
        _coordination_consent_and_grants(plan, kari)
    if plan := _draft("emma"):
        lars = User.objects.get(username="foresatt")
        # Emma (10) was heard before her father consented (from 7 she must be).
        plan_consent_give(
            plan=plan,
            acting_user=lars,
            child_view="Jeg vil ha hjelp til å lese, og at læreren vet når jeg er sliten.",
        )
        plan_activate(plan=plan, acting_user=kari)
        grants_decide(
            plan=plan,
            participant=_participant(plan, "laerer"),
            ends_on=_days(200),
            acting_user=lars,
            levels={"goals": "read", "measures": "write", "notes": "write"},
        )


def _coordination_consent_and_grants(record: Plan, kari: User) -> None:
    """Sander (17) decides himself: consent to the coordination, and what each service sees.
    The school follows his meetings through the invitation only (the notice, not the minutes)."""
    sander = record.owner
    plan_consent_give(plan=record, acting_user=sander)
    plan_activate(plan=record, acting_user=kari)
    for username, levels in (
        ("nav", {"meetings": "read", "participants": "read"}),
        ("laerer", {"participants": "read"}),
        ("fastlege", {"meetings": "read", "participants": "read"}),
    ):
        grants_decide(
            plan=record,
            participant=_participant(record, username),
            ends_on=_days(365),
            acting_user=sander,
            levels=levels,
        )
