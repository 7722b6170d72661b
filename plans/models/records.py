"""Records about a plan: coordinator handovers, the change history, archive copies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ipplan.append_only import AppendOnlyModel
from plans.models.plan import Plan


class CoordinatorHandover(models.Model):
    """The coordinator proposes a successor; the old one stays responsible until accepted."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Foreslått")
        ACCEPTED = "accepted", _("Akseptert")
        DECLINED = "declined", _("Avslått")
        WITHDRAWN = "withdrawn", _("Trukket tilbake")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="handovers")
    from_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_received"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    message = models.TextField(_("melding til ny koordinator"), blank=True)
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="proposed"),
                name="plans_one_open_handover_per_plan",
            )
        ]

    def __str__(self) -> str:
        return f"Handover #{self.pk} ({self.status})"


def _shown(value) -> str:
    """A stored param: data as it is, a list of msgids translated and joined."""
    return ", ".join(gettext(item) for item in value) if isinstance(value, list) else value


class PlanChange(AppendOnlyModel):
    """The plan's change history: who changed what, when. The summary names the item (it is
    plan content), so the history is filtered by section like everything else. A summary may
    also name something from another section (a note's line names its goal or measure): those
    sections are kept in `mentions`, and the entry is shown only to readers of all of them.
    Append-only (ipplan/append_only.py); a plan with history is never deleted by cascade."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    section = models.CharField(max_length=20)
    action = models.CharField(max_length=20)
    # The summary in bokmål, as written; `message` and `params` keep its source text and data
    # so that it is shown in the reader's language (`text`). Rows from before have no message.
    summary = models.CharField(max_length=300)
    message = models.CharField(max_length=300, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    fields = models.JSONField(default=list, blank=True)
    # Other sections the summary names, written ",goals,measures," so that a plain substring
    # filter (the same on SQLite and PostgreSQL) can hide the entry from who lacks one of them.
    mentions = models.CharField(max_length=200, blank=True, default="")
    # The items the entry is about, written ",goal:5,measure:7,": an entry naming an item kept
    # from the parents (plans/withheld.py) is kept from them too, whenever it was written.
    items = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["plan", "-at"])]

    def __str__(self) -> str:
        return f"{self.section} {self.action} #{self.pk}"

    @property
    def text(self) -> str:
        """The summary in the active language: "New goal: «Walk to school»"."""
        if not self.message:
            return self.summary
        values = {name: _shown(value) for name, value in self.params.items()}
        return gettext(self.message) % values if values else gettext(self.message)

    @staticmethod
    def mentions_value(sections) -> str:
        names = sorted({str(s) for s in sections})
        return f",{','.join(names)}," if names else ""

    @staticmethod
    def mention_marker(section: str) -> str:
        return f",{section},"

    @staticmethod
    def items_value(keys) -> str:
        names = sorted(set(keys))
        return f",{','.join(names)}," if names else ""

    @staticmethod
    def item_marker(key: str) -> str:
        return f",{key},"


class ArchiveRecord(models.Model):
    """A PDF/A snapshot of the whole plan, with its SHA-256, for the archive."""

    class Reason(models.TextChoices):
        ON_DEMAND = "on_demand", _("Tatt av koordinator")
        CLOSING = "closing", _("Planen ble avsluttet")
        PERIODIC = "periodic", _("Fast arkivering")
        RETENTION = "retention", _("Før sletting av arbeidskopien")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="archive_records")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    storage_name = models.CharField(max_length=100, unique=True)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The copy holds the plan's complete consent history (every consent, co-signature,
    # withdrawal and replacement). Copies made before it did are False: retention makes a new
    # copy before it deletes the working copy, where the consent records live.
    consent_history = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Archive #{self.pk} of plan #{self.plan_id}"


class PlanDeletion(AppendOnlyModel):
    """A tombstone: what the retention job deleted, when, and which archive copy stays. It
    names the plan by number, its owner (as a reference the owner's own pages resolve), the
    municipality, the closing date and the archive copy with its SHA-256: never content.
    Append-only, like the other logs (ipplan/append_only.py); the retention job never deletes
    these."""

    class Kind(models.TextChoices):
        WORKING_COPY = "working_copy", _("Arbeidskopien er slettet")
        ACCESS_LOG = "access_log", _("Tilgangsloggen er slettet")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="deletions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField()
    archive_record = models.ForeignKey(ArchiveRecord, on_delete=models.PROTECT, related_name="+")
    archive_sha256 = models.CharField(max_length=64)
    deleted_at = models.DateTimeField()
    # How many rows of each kind went (numbers only), for the administrator's check.
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-deleted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="plans_one_deletion_per_kind")
        ]

    def __str__(self) -> str:
        return f"Deletion of plan #{self.plan_id} ({self.kind})"


class WithholdingDecision(models.Model):
    """The coordinator's decision that an item is kept from the parents (or that it no longer
    is): what, on which ground, why, who decided and when. The item's own flag
    (withheld_from_parents) is what every read filters on, whatever the ground; this is the
    record behind it, read only by those who see the item (plans/withheld.py)."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("Mål")
        MEASURE = "measure", _("Tiltak")
        NOTE = "progressnote", _("Utviklingsnotat")

    class Ground(models.TextChoices):
        # The child, 12 to 16, asked, for reasons that should be respected.
        CHILD_REQUEST = "child_request", _("Barnet har bedt om det (12–16 år)")
        # Weighty considerations for the child speak against the parents knowing (any age
        # under 16, also where the child welfare service has taken over care).
        WEIGHTY_REASONS = "weighty_reasons", _("Tungtveiende hensyn til barnet")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="withholding_decisions")
    item_kind = models.CharField(max_length=20, choices=Kind.choices)
    item_id = models.PositiveBigIntegerField()
    withheld = models.BooleanField()
    # Why the law allows it (blank when the item is shown to the parents again).
    ground = models.CharField(max_length=20, choices=Ground.choices, blank=True, default="")
    reason = models.TextField(_("begrunnelse"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["plan", "item_kind", "item_id"])]

    def __str__(self) -> str:
        return f"{self.item_kind} #{self.item_id} withheld={self.withheld}"
