"""Complaints (klage) against decisions or against a right not fulfilled (legal references
"complaint", "complaint_deadline", "complaint_late", "complaint_rejection"), from receipt
through the first instance to Statsforvalteren."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models import Case, Decision, Letter


class Complaint(models.Model):
    class Ground(models.TextChoices):
        REFUSED = "refused", _("Individuell plan eller koordinator er avslått")
        PARTLY = "partly", _("Retten er bare delvis oppfylt")
        NO_COORDINATOR = "no_coordinator", _("Koordinator er ikke oppnevnt")
        NOT_INVOLVED = "not_involved", _("Jeg har ikke fått delta i planarbeidet")
        PLAN_NOT_FOLLOWED = "plan_not_followed", _("Planen blir ikke fulgt")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Mottatt")
        UNDER_REVIEW = "under_review", _("Under behandling i kommunen")
        REVERSED = "reversed", _("Omgjort")
        PARTLY_REVERSED = "partly_reversed", _("Delvis omgjort")
        REJECTED = "rejected", _("Avvist")
        FORWARDED = "forwarded", _("Sendt til Statsforvalteren")
        CLOSED = "closed", _("Avsluttet")
        WITHDRAWN = "withdrawn", _("Trukket")

    class SfOutcome(models.TextChoices):
        UPHELD = "upheld", _("Vedtaket er stadfestet")
        REVERSED = "reversed", _("Vedtaket er omgjort")
        RETURNED = "returned", _("Sendt tilbake for ny behandling")

    class Channel(models.TextChoices):
        APP = "app", _("I ipplan")
        PAPER = "paper", _("På papir")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="complaints")
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    ground = models.CharField(_("hva klagen gjelder"), max_length=20, choices=Ground.choices)
    text = models.TextField(_("klagen"))
    channel = models.CharField(max_length=10, choices=Channel.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_by_name = models.CharField(_("klager"), max_length=150)
    by_representative = models.BooleanField(_("fremsatt av en representant"), default=False)
    representative_is_lawyer = models.BooleanField(_("representanten er advokat"), default=False)
    power_of_attorney = models.CharField(max_length=100, blank=True)
    scanned_form = models.CharField(max_length=100, blank=True)
    received_on = models.DateField(_("mottatt"))
    deadline = models.DateField(_("klagefrist"), null=True, blank=True)
    is_late = models.BooleanField(_("klagen kom etter fristen"), default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    review_started_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("begrunnelse"), blank=True)
    new_decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="from_complaint"
    )
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forwarding_letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case_file = models.CharField(max_length=100, blank=True)
    case_file_sha256 = models.CharField(max_length=64, blank=True)
    sf_outcome = models.CharField(
        _("Statsforvalterens avgjørelse"), max_length=10, choices=SfOutcome.choices, blank=True
    )
    sf_decided_on = models.DateField(null=True, blank=True)
    sf_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "received_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(
                    by_representative=True, representative_is_lawyer=False, power_of_attorney=""
                ),
                name="complaints_representative_has_power_of_attorney",
            )
        ]

    def __str__(self) -> str:
        return f"Complaint #{self.pk} in {self.case_id}"
