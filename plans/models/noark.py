"""Deliveries to the municipality's Noark 5 archive: one row per archived document (a letter, a
plan snapshot, a consent form), written in the same transaction as the document itself, so that
nothing archivable is ever created without its delivery. The row keeps the arkivmelding as built
and, in Fiks mode, the attempts, errors and the archive's receipt; in package mode the row is
part of the month's download package."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from plans.models.plan import Plan


class ArchiveDelivery(models.Model):
    class Kind(models.TextChoices):
        LETTER = "letter", _("Brev")
        CASE_FILE = "case_file", _("Saksdokumenter")
        PLAN_SNAPSHOT = "plan_snapshot", _("Arkivkopi av planen")
        CONSENT = "consent", _("Samtykkeskjema")
        CONSENT_WITHDRAWAL = "consent_withdrawal", _("Tilbaketrekking av samtykke")

    class Mode(models.TextChoices):
        FIKS = "fiks", _("Fiks Arkiv")
        PACKAGE = "package", _("Arkivpakke for nedlasting")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="archive_deliveries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    # What was archived, e.g. "letter:12": one delivery per document, whatever retries happen.
    source = models.CharField(max_length=60, unique=True)
    # Our reference, sent as Fiks IO's klientMeldingId and as the registry entry's external key:
    # a resend after a lost answer is recognised by the archive, never filed twice.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The Noark case folder: "case:12" (an application's case) or "plan:5" (a plan).
    folder_key = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    storage_name = models.CharField(max_length=100)
    filename = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    # The arkivmelding as built and sent, encrypted at rest (it holds the person's name and,
    # as the folder's classification, their national identity number): accounts.crypto.
    message_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(auto_now_add=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    fiks_message_id = models.CharField(max_length=40, blank=True, default="")
    failed_at = models.DateTimeField(null=True, blank=True)
    receipt_at = models.DateTimeField(null=True, blank=True)
    # The archive's own reference from the receipt, e.g. "2026/123-4" (case year/number-entry).
    archive_reference = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(mode="fiks", sent_at__isnull=True, failed_at__isnull=True),
                name="plans_archive_delivery_due",
            ),
            models.Index(fields=["municipality", "created_at"]),
            models.Index(fields=["folder_key", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Archive delivery {self.source} ({self.mode})"

    @property
    def state(self) -> str:
        if self.mode == self.Mode.PACKAGE:
            return "package"
        if self.receipt_at:
            return "archived"
        if self.failed_at:
            return "failed"
        return "sent" if self.sent_at else "pending"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


STATE_LABELS = {
    "package": _("Med i månedens arkivpakke"),
    "archived": _("Arkivert"),
    "failed": _("Levering mislyktes"),
    "sent": _("Sendt, venter på kvittering"),
    "pending": _("Venter på sending"),
}
