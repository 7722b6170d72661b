"""The individual plan (individuell plan) and everything it holds.

Field names follow the nine required items a-i of the IP regulation (the legal reference
"ip_content", see plans/law.py and domain.md): goals, resources and needs (a), participants
(b), coordinator (c), contributions (d), measures and responsibility (e), how measures are
done (f), period and evaluation (g), consent (h, in consent/) and cooperation needed (i).
"""

from plans.models.content import CooperationNeed, Goal, Measure, Participant, ProgressNote, SubPlan
from plans.models.family import Family, FamilyLogEntry, FamilyService, FamilyTask
from plans.models.law import LegalReference
from plans.models.noark import ArchiveDelivery
from plans.models.plan import Plan, Versioned
from plans.models.records import (
    ArchiveRecord,
    CoordinatorHandover,
    PlanChange,
    PlanDeletion,
    WithholdingDecision,
)

__all__ = [
    "ArchiveDelivery",
    "ArchiveRecord",
    "CooperationNeed",
    "CoordinatorHandover",
    "Family",
    "FamilyLogEntry",
    "FamilyService",
    "FamilyTask",
    "Goal",
    "LegalReference",
    "Measure",
    "Participant",
    "Plan",
    "PlanChange",
    "PlanDeletion",
    "ProgressNote",
    "SubPlan",
    "Versioned",
    "WithholdingDecision",
]
