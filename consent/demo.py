"""Consent and grants for the demo plans (run by `manage.py seed_demo` after plans.demo):
Ingrid consents and lets Per (NAV) see her goals and what is being done for a year, and Kari
suggests that he may also read the progress notes, which waits for Ingrid; Lars consents for
Emma and lets Sara (teacher) follow goals and measures and write notes until summer. Each
plan is then activated. Jakob's relay log: his father consents, Tone (kindergarten) takes it
into use and hands the baton to Sara (school), who accepts; Tone keeps read access to goals
and measures through the first term because Lars grants it. Idempotent: a plan that is no
longer a draft is left as it is.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from consent.services.consents import plan_consent_give
from consent.services.grants import grants_decide, grants_propose
from plans.models import Participant, Plan
from plans.services.handover import handover_propose, handover_respond
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
    if plan := _draft("mina"):
        # Mina (13) was heard, and what she says weighs heavily; her mother consents.
        plan_consent_give(
            plan=plan,
            acting_user=User.objects.get(username="foresatt.mina"),
            child_view="Jeg vil ha planen, og jeg vil selv være med på møtene.",
        )
        plan_activate(plan=plan, acting_user=kari)
    if plan := _draft("jakob"):
        _relay_log(plan)


def _relay_log(plan: Plan) -> None:
    lars = User.objects.get(username="foresatt")
    tone = User.objects.get(username="barnehage")
    sara = User.objects.get(username="laerer")
    plan_consent_give(
        plan=plan, acting_user=lars, child_view="Jakob vil at de voksne skal vente på ham."
    )
    plan_activate(plan=plan, acting_user=tone)
    handover = handover_propose(
        plan=plan,
        to_coordinator=sara,
        message="Jakob begynte i 1. klasse i august. Se tiltakene som virket i barnehagen.",
        acting_user=tone,
    )
    handover_respond(handover=handover, accept=True, acting_user=sara)
    grants_decide(
        plan=plan,
        participant=_participant(plan, "barnehage"),
        ends_on=_days(60),
        acting_user=lars,
        levels={"goals": "read", "measures": "read"},
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
