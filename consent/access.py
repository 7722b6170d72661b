"""PlanAccess: what one user may do with one plan, as computed by consent.policy.plan_access.
Views, templates, selectors and services ask it (`access.can_write(section)`), never the rules
themselves. Import it from consent.policy, the one door."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from accounts.models import User
from consent.models import AccessLogEntry
from plans.models import Plan
from plans.sections import SECTION_OF_MODEL, Section

ActorRole = AccessLogEntry.ActorRole


class _SectionAnswers(Mapping):
    """section -> the access's answer for it, asked when looked up."""

    __slots__ = ("_ask",)

    def __init__(self, ask: Callable[[str], bool]):
        self._ask = ask

    def __getitem__(self, section: str) -> bool:
        if section not in Section.values:
            raise KeyError(section)
        return self._ask(section)

    def __iter__(self) -> Iterator[str]:
        return iter(Section.values)

    def __len__(self) -> int:
        return len(Section.values)


@dataclass(frozen=True)
class PlanAccess:
    """What one user may do with one plan, computed once per request."""

    plan: Plan
    role: str | None
    # Who this access is for: the actor of every write made with it (None for the system).
    user: User | None = None
    read: frozenset[str] = frozenset()
    write: frozenset[str] = frozenset()
    organisation_name: str = ""
    manages_access: bool = False
    # A participant's grants in force, as (section, AccessGrant id): what the access log names.
    grants: tuple[tuple[str, int], ...] = ()
    # Reads for the child's parents (or family): items withheld from them are left out
    # everywhere (plans/withheld.py).
    hides_withheld: bool = False

    def grant_ids_for(self, sections) -> list[int]:
        return sorted({grant_id for section, grant_id in self.grants if section in sections})

    @property
    def allowed(self) -> bool:
        return self.role is not None

    @property
    def is_owner_side(self) -> bool:
        return self.role in (ActorRole.OWNER, ActorRole.REPRESENTATIVE)

    @property
    def sees_withheld_marks(self) -> bool:
        """Whether the page marks withheld items as such (those who see them: the child, the
        coordinator, the services); never shown to someone the items are withheld from."""
        return not self.hides_withheld

    @property
    def can_withhold(self) -> bool:
        """Decide on the child's request to keep an item from the parents: the coordinator."""
        return self.is_coordinator and not self.plan.is_closed

    @property
    def is_coordinator(self) -> bool:
        return self.role == ActorRole.COORDINATOR

    @property
    def is_participant(self) -> bool:
        return self.role == ActorRole.PARTICIPANT

    # Whom the plan page's words speak to: "owner" (du/din), "representative" (a parent or
    # verge acting for the owner: dere, the owner by name) or "other" (third person).
    @property
    def voice(self) -> str:
        if self.role == ActorRole.OWNER:
            return "owner"
        if self.role == ActorRole.REPRESENTATIVE:
            return "representative"
        return "other"

    @property
    def owner_name(self) -> str:
        """The owner's first name for texts about them (the full name when no first name)."""
        owner = self.plan.owner
        return owner.first_name or owner.display_name

    # A section the plan's kind does not have (goals on a coordinator's record without an
    # individual plan) is neither read nor written by anyone, whatever the grants say.
    def can_read(self, section: str) -> bool:
        return section in self.read and self.plan.kind_info.applies(section)

    def can_write(self, section: str) -> bool:
        return (
            not self.plan.is_closed
            and section in self.write
            and self.plan.kind_info.applies(section)
        )

    # Finer rules for the owner's side: their own words and their own contributions.
    @property
    def can_edit_goal_wording(self) -> bool:
        return self.can_write(Section.GOALS) or (self.is_owner_side and not self.plan.is_closed)

    @property
    def can_edit_own_contributions(self) -> bool:
        return self.can_write(Section.MEASURES) or (self.is_owner_side and not self.plan.is_closed)

    # For templates, which cannot pass arguments: {% if access.may_write.goals %}. A view over
    # the rule, asked per lookup: a large plan page asks thousands of times.
    @property
    def may_read(self) -> Mapping[str, bool]:
        return _SectionAnswers(self.can_read)

    @property
    def may_write(self) -> Mapping[str, bool]:
        return _SectionAnswers(self.can_write)

    def can_edit(self, target) -> bool:
        """Whether this user may change the item: whoever may write its section, and the owner's
        side for what they contribute themselves (`{{ access|can_edit:measure }}`)."""
        if self.can_write(SECTION_OF_MODEL[target._meta.label_lower]):
            return True
        return getattr(target, "is_own_contribution", False) and self.can_edit_own_contributions

    @property
    def can_manage_plan(self) -> bool:
        """Period, status, participants, handover, archive: the coordinator's work."""
        return self.is_coordinator and not self.plan.is_closed

    @property
    def can_request_close(self) -> bool:
        return self.is_owner_side and not self.plan.is_closed

    @property
    def can_manage_access(self) -> bool:
        """Give, limit and withdraw consent and access: whoever consents for the owner."""
        return self.manages_access and not self.plan.is_closed

    @property
    def can_propose_access(self) -> bool:
        return self.is_coordinator and not self.plan.is_closed

    @property
    def can_read_access_log(self) -> bool:
        return self.is_owner_side

    @property
    def can_export(self) -> bool:
        return self.allowed
