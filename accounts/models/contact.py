"""What the contact and reservation register (KRR) last said about a person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.people import User


class ContactRegistryEntry(models.Model):
    """KRR's answer for one person, kept so that a login or a send never waits on KRR: it is
    refreshed after a login (by a task) and before a notification or letter goes out, and
    used as it stands when KRR cannot be reached."""

    class Status(models.TextChoices):
        ACTIVE = "AKTIV", _("Registrert")
        DELETED = "SLETTET", _("Slettet")
        NOT_REGISTERED = "IKKE_REGISTRERT", _("Ikke registrert")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="registry_contact")
    status = models.CharField(max_length=20, choices=Status.choices)
    # Reserved against digital communication with the public sector: no e-mail, no SMS, and
    # letters on paper.
    reserved = models.BooleanField(default=False)
    # KRR's "varslingsstatus": the contact details are confirmed recently enough to be used.
    can_notify = models.BooleanField(default=False)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    mailbox_address = models.CharField(max_length=200, blank=True)
    mailbox_provider = models.CharField(max_length=20, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("oppføring i kontaktregisteret")
        verbose_name_plural = _("oppføringer i kontaktregisteret")

    def __str__(self) -> str:
        return f"KRR entry for user #{self.user_id}"

    @property
    def digital_contact_refused(self) -> bool:
        """Reserved, or unknown to KRR: the municipality must use paper."""
        return self.reserved or self.status != self.Status.ACTIVE

    @property
    def has_mailbox(self) -> bool:
        return not self.digital_contact_refused and bool(
            self.mailbox_address and self.mailbox_provider
        )
