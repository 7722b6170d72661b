"""Consent, access grants and the access log: the record of who may see what, and who did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Plan

ACCESS_LOG_IS_APPEND_ONLY = "The access log is append-only: rows cannot be changed or deleted."


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(ACCESS_LOG_IS_APPEND_ONLY)

    def delete(self):
        raise PermissionError(ACCESS_LOG_IS_APPEND_ONLY)


class AccessLogEntry(models.Model):
    """One read or write of plan data (Normen: logging, and the person's insight in the log).

    Rows are only ever inserted: the model refuses update and delete, and on PostgreSQL a
    trigger (migration 0002) refuses them for every database user too.
    """

    class Action(models.TextChoices):
        READ = "read", _("leste")
        LIST = "list", _("så i en oversikt")
        CREATE = "create", _("la til")
        UPDATE = "update", _("endret")
        DELETE = "delete", _("fjernet")
        EXPORT = "export", _("lastet ned som PDF")
        DOWNLOAD = "download", _("lastet ned dokument")
        ARCHIVE = "archive", _("arkiverte")

    class ActorRole(models.TextChoices):
        OWNER = "owner", _("planeier")
        REPRESENTATIVE = "representative", _("foresatt, verge eller fullmektig")
        COORDINATOR = "coordinator", _("koordinator")
        PARTICIPANT = "participant", _("plandeltaker")
        CASE_HANDLER = "case_handler", _("saksbehandler")
        SYSTEM = "system", _("systemet")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="access_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_role = models.CharField(max_length=20, choices=ActorRole.choices)
    organisation_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    section = models.CharField(max_length=20)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["plan", "-at", "-id"], name="consent_log_plan_at"),
            models.Index(fields=["plan", "actor", "-at"], name="consent_log_plan_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_role} {self.action} {self.section}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(ACCESS_LOG_IS_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(ACCESS_LOG_IS_APPEND_ONLY)
