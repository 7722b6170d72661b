"""The coordinator's decision on a child's request that a goal, measure or note is kept from
the parents, or no longer is (plans/withheld.py says who is kept from what)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from plans.models import Goal, Measure, ProgressNote, WithholdingDecision
from plans.services.common import Action, access_for, record_change
from plans.withheld import KINDS, WITHHOLDING_MARK, may_withhold

NOT_ELIGIBLE = _(
    "Bare et barn mellom 12 og 16 år kan be om at noe i planen holdes unna foreldrene. "
    "Fra 16 år bestemmer den unge selv hvem som ser planen."
)
REASON_REQUIRED = _("Skriv hvorfor barnets ønske bør respekteres.")
NO_CHANGE = _("Dette er allerede bestemt. Last siden på nytt.")


def item_label(item) -> str:
    if isinstance(item, ProgressNote):
        return item.text[:60] + ("…" if len(item.text) > 60 else "")
    return item.title


@transaction.atomic
def item_withhold_decide(
    *, item: Goal | Measure | ProgressNote, withheld: bool, reason: str, acting_user
) -> WithholdingDecision:
    """The coordinator marks the item withheld from the parents (the child asked, for reasons
    that should be respected) or lifts that. Both are recorded with the reasons, in the
    history and the access log, where the parents never read them."""
    plan = item.plan
    access = access_for(acting_user, plan, lambda a: a.can_withhold)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    if withheld and not may_withhold(plan):
        raise ValidationError(NOT_ELIGIBLE)
    model = type(item)
    changed = model.objects.filter(pk=item.pk, withheld_from_parents=not withheld).update(
        withheld_from_parents=withheld
    )
    if not changed:
        raise ValidationError(NO_CHANGE)
    item.withheld_from_parents = withheld
    decision = WithholdingDecision.objects.create(
        plan=plan,
        item_kind=KINDS[model],
        item_id=item.pk,
        withheld=withheld,
        reason=reason,
        decided_by=acting_user,
    )
    summary = (
        gettext_noop("Skjermet for foreldrene etter barnets ønske: «%(title)s»")
        if withheld
        else gettext_noop("Ikke lenger skjermet for foreldrene: «%(title)s»")
    )
    record_change(
        access,
        item,
        summary,
        params={"title": item_label(item)},
        action=Action.UPDATE,
        fields=["withheld_from_parents"],
        items=[WITHHOLDING_MARK],
    )
    return decision


def withholding_decisions(item) -> list[WithholdingDecision]:
    """The decisions on one item, newest first (for those who see the item)."""
    return list(
        WithholdingDecision.objects.filter(
            plan_id=item.plan_id, item_kind=KINDS[type(item)], item_id=item.pk
        ).select_related("decided_by")
    )
