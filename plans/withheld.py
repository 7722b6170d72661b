"""Items kept from the parents (the patients' rights act on information when the patient is
under 18): at the request of a child between 12 and 16 (reference "withheld_from_parents" in
the legal-references table), or, for a child of any age under 16, because weighty
considerations for the child speak against the parents knowing (reference
"withheld_weighty_reasons"; this covers a child whose care the child welfare service has taken
over while the parents keep parental responsibility and read access). Both grounds mark the
same flag and go through the same filters below.

A goal, measure or progress note can be marked withheld by the coordinator. What hangs under a
withheld item is withheld with it: a goal's sub-goals, its measures and the notes on any of
them; a measure's notes. Whoever reads for the parents (PlanAccess.hides_withheld) reads
through these filters on every path: the plan page, section pages, notes, the PDF, the history
and the access log. The child, the coordinator and the services see the items, marked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.roles import decides_alone
from plans.models import Goal, Measure, Participant, ProgressNote, WithholdingDecision

if TYPE_CHECKING:
    from consent.access import PlanAccess

WITHHELD = "withheld_from_parents"
Ground = WithholdingDecision.Ground
# The legal reference (plans.LegalReference code) behind each ground.
GROUND_LAW = {
    Ground.CHILD_REQUEST: "withheld_from_parents",
    Ground.WEIGHTY_REASONS: "withheld_weighty_reasons",
}
# From this age a child may ask that information is not given to the parents, until the age
# at which the young person consents alone (the setting IPPLAN_CONSENT_AGE).
WITHHOLD_FROM_AGE = 12


def withhold_grounds(plan, day=None) -> list[str]:
    """The grounds on which something in the plan may be kept from the owner's parents now:
    weighty considerations for a child of any age, and from 12 the child's own request; none
    from the age at which the young person decides (or when the owner's age is unknown)."""
    day = day or timezone.localdate()
    age = plan.owner.age_on(day)
    if age is None or decides_alone(plan.owner, day):
        return []
    if age >= WITHHOLD_FROM_AGE:
        return [Ground.CHILD_REQUEST, Ground.WEIGHTY_REASONS]
    return [Ground.WEIGHTY_REASONS]


def may_withhold(plan, day=None, ground: str | None = None) -> bool:
    """Whether something may be kept from the parents on `ground` (on any ground if None)."""
    grounds = withhold_grounds(plan, day)
    return bool(grounds) if ground is None else ground in grounds


def _withheld(*paths: str) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}{WITHHELD}": True})
    return condition


# An item is withheld when it, or anything it hangs under, is marked.
GOAL_WITHHELD = _withheld("", "parent__")
MEASURE_WITHHELD = _withheld("", "goal__", "goal__parent__")
NOTE_WITHHELD = _withheld(
    "", "goal__", "goal__parent__", "measure__", "measure__goal__", "measure__goal__parent__"
)
CONDITIONS = {Goal: GOAL_WITHHELD, Measure: MEASURE_WITHHELD, ProgressNote: NOTE_WITHHELD}
# Participants on the family side: what is withheld from the parents is withheld from them too.
FAMILY_ROLES = frozenset({Participant.Role.GUARDIAN, Participant.Role.RELATIVE})
# The key of an item in PlanChange.items and AccessLogEntry.object_type: the model's name.
KINDS = {Goal: "goal", Measure: "measure", ProgressNote: "progressnote"}
# In PlanChange.items: the entry records a decision to withhold or lift, which the parents
# never read, not even after the item is shown to them again.
WITHHOLDING_MARK = "withholding"


def visible(queryset: QuerySet, access: PlanAccess) -> QuerySet:
    """The goals, measures or notes of `queryset` this access may see."""
    if not access.hides_withheld:
        return queryset
    return queryset.exclude(CONDITIONS[queryset.model])


def is_withheld(item) -> bool:
    """Whether this goal, measure or note is withheld, itself or through what it hangs under."""
    model = type(item)
    return model.objects.filter(CONDITIONS[model], pk=item.pk).exists()


def withheld_keys(plan) -> dict[str, set[int]]:
    """Every withheld item of the plan, by kind ("goal", "measure", "progressnote"): three
    queries, whatever the plan's size."""
    return {
        kind: set(model.objects.filter(CONDITIONS[model], plan=plan).values_list("pk", flat=True))
        for model, kind in KINDS.items()
    }


def item_keys(target) -> list[str]:
    """The items a history entry about `target` names: the item, and for a note the goal or
    measure it is about (its line names that subject)."""
    kind = KINDS.get(type(target))
    if kind is None:
        return []
    keys = [f"{kind}:{target.pk}"]
    if isinstance(target, ProgressNote):
        keys += [f"goal:{target.goal_id}"] if target.goal_id else []
        keys += [f"measure:{target.measure_id}"] if target.measure_id else []
    if isinstance(target, Measure):
        keys.append(f"goal:{target.goal_id}")
    return keys
