"""Casework of the coordinating unit (koordinerende enhet): applications and referrals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality


class Case(models.Model):
    """An application or referral for individual plan and/or coordinator, from receipt on."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Søknad")
        REFERRAL = "referral", _("Melding om behov")
        PAPER = "paper", _("Papirsøknad")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Mottatt")
        ASSESSING = "assessing", _("Under vurdering")
        DECIDED = "decided", _("Vedtak fattet")
        COMPLAINT = "complaint", _("Klage")
        CLOSED = "closed", _("Avsluttet")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("saksnummer"), max_length=20)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField(_("mottatt"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="coordination_case_unique_number"
            )
        ]
        indexes = [models.Index(fields=["municipality", "status", "received_on"])]

    def __str__(self) -> str:
        return self.number
