"""The barnekoordinator's family workspace: a record beside the child's plan, owned by the
family (the parents with parental responsibility, and the child), in which the appointed
barnekoordinator keeps the statutory tasks, the services involved and the link to the child's
own plan or relay log. Its services are in coordination/services/families.py (and the
creation at appointment in plans/services/family.py); who may open it is the policy's
(consent.policy.family_access)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipplan.append_only import AppendOnlyModel


class Family(models.Model):
    """The barnekoordinator's workspace for one family (legal references
    "right_to_child_coordinator", "duty_child_coordinator", "child_coordinator_tasks").

    The right is the parents': the owners are the parents with parental responsibility for
    `child` (the representation register, consent.policy.family_access) and the appointed
    barnekoordinator works in it. `child` is the child's own record: for an expected child a
    record without an identity number whose birth date is the due date, linked to the
    identity number once the child is born (casework.services.expected). It lasts while the
    conditions are met and at most until the child turns 18."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktiv")
        CLOSED = "closed", _("Avsluttet")

    class CloseReason(models.TextChoices):
        TURNED_18 = "turned_18", _("Barnet har fylt 18 år")
        NEED_ENDED = "need_ended", _("Vilkårene er ikke lenger oppfylt")
        FAMILY_DECLINED = "family_declined", _("Foreldrene ønsker ikke lenger barnekoordinator")
        MOVED = "moved", _("Familien har flyttet fra kommunen")

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="families"
    )
    child = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="families"
    )
    expected_on = models.DateField(_("termindato"), null=True, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_families",
    )
    # The child's own plan, coordination record or relay log, when there is one.
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.SET_NULL, null=True, blank=True, related_name="families"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(
        _("grunn"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("merknad"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["coordinator", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status="active"),
                name="plans_one_active_family_per_child",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active")
                | (models.Q(closed_on__isnull=False) & ~models.Q(close_reason="")),
                name="plans_family_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Family {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_expected(self) -> bool:
        """The child is not born yet (or not yet linked to the identity number)."""
        return self.expected_on is not None and not self.child.has_national_id

    @property
    def ends_on(self) -> datetime.date | None:
        """The day the right ends at the latest: the child's 18th birthday."""
        born = self.child.birth_date
        if born is None:
            return None
        try:
            return born.replace(year=born.year + 18)
        except ValueError:  # 29 February
            return born.replace(year=born.year + 18, day=28)


class FamilyTask(models.Model):
    """One of the barnekoordinator's statutory tasks for the family, kept up to date by the
    coordinator with a date and a note; the parents read it."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Informasjon og veiledning om rettigheter og tjenester")
        COORDINATION = "coordination", _("Hjelp til å samordne tjenestene til barnet og familien")
        SPECIALIST = "specialist", _("Kontakt med spesialisthelsetjenesten")
        PLAN_PROGRESS = "plan_progress", _("Framdrift i arbeidet med individuell plan")

    class State(models.TextChoices):
        TODO = "todo", _("Ikke påbegynt")
        ONGOING = "ongoing", _("Pågår")
        DONE = "done", _("Gjort")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.TODO)
    done_on = models.DateField(_("dato"), null=True, blank=True)
    note = models.TextField(_("notat"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "kind"], name="plans_one_family_task_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.family_id} {self.kind}"


class FamilyService(models.Model):
    """A service involved with the child and the family, with its contact person."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("tjeneste"), max_length=150)
    contact_name = models.CharField(_("kontaktperson"), max_length=150, blank=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    role = models.CharField(_("hva tjenesten gjør for familien"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class FamilyLogEntry(AppendOnlyModel):
    """Who read or changed the family's workspace, for the parents' insight. Append-only."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    # Stored as the bokmål source text and translated when shown.
    what = models.CharField(max_length=100)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["family", "-at"])]

    ACTIONS = {
        "read": _("Så"),
        "create": _("Opprettet"),
        "update": _("Endret"),
    }

    def __str__(self) -> str:
        return f"{self.family_id} {self.action} {self.what}"

    @property
    def action_label(self) -> str:
        return self.ACTIONS.get(self.action, self.action)
