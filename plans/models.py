"""The individual plan (individuell plan) and everything it holds.

Field names follow the nine required items a-i of forskrift om individuell plan § 5 (see
domain.md): goals, resources and needs (a), participants (b), coordinator (c), contributions
(d), measures and responsibility (e), how measures are done (f), period and evaluation (g),
consent (h, in consent/) and cooperation needed (i).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation
from ipplan.append_only import AppendOnlyModel
from plans.sections import Section


class Versioned(models.Model):
    """Optimistic concurrency: a form carries the version it was read at; a save with an older
    version is refused (plans.services.common.save_versioned) instead of overwriting someone's
    work."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Plan(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ACTIVE = "active", _("Aktiv")
        CLOSED = "closed", _("Avsluttet")

    class ClosingReason(models.TextChoices):
        NEED_ENDED = "need_ended", _("Behovet er ikke lenger til stede")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Samtykket er trukket tilbake")
        MOVED = "moved", _("Flyttet fra kommunen")
        DECEASED = "deceased", _("Død")
        OTHER = "other", _("Annen grunn")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="plans")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_plans"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_plans",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    period_start = models.DateField(_("planperiode fra"), null=True, blank=True)
    period_end = models.DateField(_("planperiode til"), null=True, blank=True)
    next_evaluation = models.DateField(_("neste evaluering"), null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_reason = models.CharField(
        _("grunn til avslutning"), max_length=20, choices=ClosingReason.choices, blank=True
    )
    closing_note = models.TextField(_("merknad til avslutningen"), blank=True)
    close_requested_at = models.DateTimeField(null=True, blank=True)
    close_request_reason = models.TextField(blank=True)

    # Item a, in the owner's own words ("Om meg"); versioned separately from the plan fields.
    what_matters = models.TextField(_("det som er viktig for meg"), blank=True)
    resources = models.TextField(_("mine ressurser"), blank=True)
    needs = models.TextField(_("mine behov"), blank=True)
    language_culture = models.TextField(_("språk, kultur og livssyn"), blank=True)
    about_me_version = models.PositiveIntegerField(default=1)
    evaluation_due_reminded_for = models.DateField(null=True, blank=True, editable=False)
    evaluation_overdue_reminded_for = models.DateField(null=True, blank=True, editable=False)
    about_me_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("individuell plan")
        verbose_name_plural = _("individuelle planer")
        constraints = [
            # Only one plan per person at a time (forskrift om individuell plan § 2).
            models.UniqueConstraint(
                fields=["owner"],
                condition=~Q(status="closed"),
                name="plans_one_open_plan_per_person",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="plans_period_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(closed_at__isnull=False) & ~Q(closing_reason="")),
                name="plans_closed_has_reason_and_date",
            ),
        ]
        indexes = [
            models.Index(fields=["coordinator", "status"]),
            models.Index(fields=["municipality", "status"]),
        ]

    def __str__(self) -> str:
        return f"Plan #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Participant(Versioned):
    """Someone taking part in the plan (item b) and what they contribute (item d).

    A participant may have a login (`user`) or be only named with contact details, e.g. a
    grandparent who takes part in meetings without using ipplan.
    """

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Koordinator")
        SERVICE_PROVIDER = "service_provider", _("Tjenesteyter")
        RELATIVE = "relative", _("Pårørende")
        GUARDIAN = "guardian", _("Foresatt eller verge")
        OTHER = "other", _("Annen")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    name = models.CharField(_("navn"), max_length=150)
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tjeneste"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    title = models.CharField(_("stilling eller relasjon"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    contribution = models.TextField(_("hva deltakeren bidrar med"), blank=True)
    is_active = models.BooleanField(default=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user"],
                condition=Q(user__isnull=False, is_active=True),
                name="plans_participant_unique_active_user",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Goal(Versioned):
    """A main goal or a sub-goal under one, in the owner's words (item a)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Ikke startet")
        IN_PROGRESS = "in_progress", _("Pågår")
        ACHIEVED = "achieved", _("Nådd")
        NOT_RELEVANT = "not_relevant", _("Ikke lenger aktuelt")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("hovedmål"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subgoals",
    )
    title = models.CharField(_("målet med dine ord"), max_length=300)
    description = models.TextField(_("utdyping"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    target_date = models.DateField(_("ønsket dato"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["plan", "parent", "position"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_main(self) -> bool:
        return self.parent_id is None


class Measure(Versioned):
    """What a service or person does toward a goal (items d, e, f)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        ONGOING = "ongoing", _("Pågår")
        COMPLETED = "completed", _("Fullført")
        STOPPED = "stopped", _("Avsluttet uten å fullføres")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    goal = models.ForeignKey(
        Goal, verbose_name=_("mål"), on_delete=models.PROTECT, related_name="measures"
    )
    title = models.CharField(_("tiltak"), max_length=300)
    how = models.TextField(_("hvordan det gjøres"), blank=True)
    scope = models.CharField(
        _("omfang"), max_length=200, blank=True, help_text=_("F.eks. «2 timer hver uke».")
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tjeneste som utfører"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    performed_by = models.CharField(
        _("utføres av"),
        max_length=150,
        blank=True,
        help_text=_("Person eller tjeneste, når det ikke er en av kommunens tjenester."),
    )
    responsible = models.ForeignKey(
        Participant,
        verbose_name=_("ansvarlig"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for",
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("frist eller sluttdato"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    # The deadline each reminder was last sent for: the scan skips measures already reminded
    # for their current deadline (the outbox's unique key is the guarantee; this keeps it cheap).
    due_soon_reminded_for = models.DateField(null=True, blank=True, editable=False)
    overdue_reminded_for = models.DateField(null=True, blank=True, editable=False)
    is_own_contribution = models.BooleanField(
        _("egeninnsats"),
        default=False,
        help_text=_("Noe du selv eller dine pårørende gjør."),
    )
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["plan", "goal"]),
            models.Index(fields=["deadline", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(start_date__isnull=True)
                | Q(deadline__gte=F("start_date")),
                name="plans_measure_deadline_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.ONGOING)


class ProgressNote(models.Model):
    """A dated note on a goal or a measure. Append-only: its author may correct it within
    NOTE_EDIT_WINDOW, then it is fixed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notes")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField(_("dato"))
    text = models.TextField(_("notat"))
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-noted_on", "-pk"]
        indexes = [models.Index(fields=["plan", "-noted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__isnull=False, measure__isnull=True)
                | Q(goal__isnull=True, measure__isnull=False),
                name="plans_note_on_goal_or_measure",
            )
        ]

    def __str__(self) -> str:
        return f"Note #{self.pk}"


class CooperationNeed(Versioned):
    """Cooperation with other services, institutions or agencies that is needed (item i)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="cooperation_needs")
    with_whom = models.CharField(_("med hvem"), max_length=200)
    description = models.TextField(_("hva samarbeidet gjelder"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.with_whom


class SubPlan(models.Model):
    """A sub-plan that is part of the IP (IOP, treatment plan, training programme), uploaded.

    The file is stored under a generated name in PRIVATE_MEDIA_ROOT and only served through
    an authorizing view."""

    class Kind(models.TextChoices):
        IOP = "iop", _("Individuell opplæringsplan (IOP)")
        TREATMENT = "treatment", _("Behandlingsplan")
        TRAINING = "training", _("Treningsprogram")
        OTHER = "other", _("Annen delplan eller dokument")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="subplans")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tittel"), max_length=200)
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


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


class ArchiveRecord(models.Model):
    """A PDF/A snapshot of the whole plan, with its SHA-256, for the archive."""

    class Reason(models.TextChoices):
        ON_DEMAND = "on_demand", _("Tatt av koordinator")
        CLOSING = "closing", _("Planen ble avsluttet")
        PERIODIC = "periodic", _("Fast arkivering")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="archive_records")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    storage_name = models.CharField(max_length=100, unique=True)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Archive #{self.pk} of plan #{self.plan_id}"


SECTION_OF_MODEL = {
    Goal: Section.GOALS,
    Measure: Section.MEASURES,
    ProgressNote: Section.NOTES,
    Participant: Section.PARTICIPANTS,
    CooperationNeed: Section.PARTICIPANTS,
    SubPlan: Section.DOCUMENTS,
}
