"""The plan itself, and the optimistic concurrency its content shares."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from plans.kinds import KindInfo, kind_info


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
    class Kind(models.TextChoices):
        """One record, three forms: a person's coordination can start as a coordinator without an
        individual plan or as a child's relay log (stafettlogg), and becomes an individual plan by
        changing its kind, keeping everything it holds."""

        INDIVIDUAL_PLAN = "ip", _("Individuell plan")
        COORDINATION = "coordination", _("Koordinator uten individuell plan")
        RELAY_LOG = "relay_log", _("Stafettlogg")

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

    class RetentionProblem(models.TextChoices):
        ARCHIVE_FAILED = "archive_failed", _("Arkivkopien kunne ikke lages")
        HASH_MISMATCH = "hash_mismatch", _("Arkivkopien stemmer ikke med kontrollsummen")
        DELETE_FAILED = "delete_failed", _("Slettingen ble avbrutt")

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
    kind = models.CharField(
        _("form for samordningen"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.INDIVIDUAL_PLAN,
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

    # Retention (coordination/services/retention.py): when the working copy and, later, the
    # access log were deleted after closing; and why the retention job last had to hold the
    # plan back (no verified archive copy), so the administrator sees it. A deleted plan keeps
    # only this row (no content), its archive records, decisions' links and the tombstones.
    working_copy_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    access_log_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retention_problem = models.CharField(
        max_length=20, choices=RetentionProblem.choices, blank=True, editable=False
    )
    retention_problem_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("individuell plan")
        verbose_name_plural = _("individuelle planer")
        constraints = [
            # Only one plan per person at a time (the IP regulation: one plan per person).
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
            # The statistics count active plans and overdue evaluations from the index alone.
            models.Index(
                fields=["municipality", "status", "next_evaluation"], name="plans_plan_statistics"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def kind_info(self) -> KindInfo:
        """What this kind of record has and is called (plans/kinds.py)."""
        return kind_info(self.kind)
