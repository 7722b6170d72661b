"""The individual plan (individuell plan) and everything it holds.

Field names follow the nine required items a-i of forskrift om individuell plan § 5 (see
domain.md): goals, resources and needs (a), participants (b), coordinator (c), contributions
(d), measures and responsibility (e), how measures are done (f), period and evaluation (g),
consent (h, in consent/) and cooperation needed (i).
"""

from plans.models.content import CooperationNeed, Goal, Measure, Participant, ProgressNote, SubPlan
from plans.models.plan import Plan, Versioned
from plans.models.records import ArchiveRecord, CoordinatorHandover, PlanChange

__all__ = [
    "ArchiveRecord",
    "CooperationNeed",
    "CoordinatorHandover",
    "Goal",
    "Measure",
    "Participant",
    "Plan",
    "PlanChange",
    "ProgressNote",
    "SubPlan",
    "Versioned",
]
