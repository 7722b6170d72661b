"""The coordinator's decision that a goal, measure or note is kept from the parents, at the
child's request or for weighty considerations for the child, or no longer is (plans/withheld.py
says who is kept from what and on which grounds)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from plans.models import Goal, Measure, ProgressNote, WithholdingDecision
from plans.services.common import Action, access_for, record_change
from plans.withheld import KINDS, WITHHOLDING_MARK, Ground, may_withhold

NOT_ELIGIBLE = _(
    "Bare et barn mellom 12 og 16 år kan be om at noe i planen holdes unna foreldrene. "
    "Fra 16 år bestemmer den unge selv hvem som ser planen."
)
NOT_ELIGIBLE_WEIGHTY = _(
    "Av tungtveiende hensyn kan noe holdes unna foreldrene bare mens barnet er under 16 år. "
    "Fra 16 år bestemmer den unge selv hvem som ser planen."
)
REASON_REQUIRED = _("Skriv hvorfor barnets ønske bør respekteres.")
REASON_REQUIRED_WEIGHTY = _(
    "Skriv hvilke tungtveiende hensyn til barnet som taler mot at foreldrene får vite dette."
)
GROUND_REQUIRED = _("Velg hvorfor dette skal holdes unna foreldrene.")
NO_CHANGE = _("Dette er allerede bestemt. Last siden på nytt.")
SUMMARIES = {
    Ground.CHILD_REQUEST: gettext_noop("Skjermet for foreldrene etter barnets ønske: «%(title)s»"),
    Ground.WEIGHTY_REASONS: gettext_noop(
        "Skjermet for foreldrene av tungtveiende hensyn til barnet: «%(title)s»"
    ),
}


def item_label(item) -> str:
    if isinstance(item, ProgressNote):
        return item.text[:60] + ("…" if len(item.text) > 60 else "")
    return item.title


@transaction.atomic
def item_withhold_decide(
    *,
    item: Goal | Measure | ProgressNote,
    withheld: bool,
    reason: str,
    acting_user,
    ground: str = Ground.CHILD_REQUEST,
) -> WithholdingDecision:
    """The coordinator marks the item withheld from the parents, on `ground` (the child, 12
    to 16, asked for reasons that should be respected; or weighty considerations for a child
    under 16 speak against the parents knowing), or lifts that. Both are recorded with the
    ground and the reasons, in the history and the access log, where the parents never read
    them."""
    plan = item.plan
    access = access_for(acting_user, plan, lambda a: a.can_withhold)
    reason = reason.strip()
    if withheld and ground not in Ground.values:
        raise ValidationError({"ground": GROUND_REQUIRED})
    if not reason:
        weighty = withheld and ground == Ground.WEIGHTY_REASONS
        raise ValidationError({"reason": REASON_REQUIRED_WEIGHTY if weighty else REASON_REQUIRED})
    if withheld and not may_withhold(plan, ground=ground):
        raise ValidationError(
            NOT_ELIGIBLE if ground == Ground.CHILD_REQUEST else NOT_ELIGIBLE_WEIGHTY
        )
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
        ground=ground if withheld else "",
        reason=reason,
        decided_by=acting_user,
    )
    summary = (
        SUMMARIES[ground]
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
