"""Consent, access grants and the access log: the record of who may see what, and who did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from ipplan.append_only import AppendOnlyModel
from plans.models import Plan
from plans.sections import Action, ActorRole, Section


class AccessLogEntry(AppendOnlyModel):
    """One read or write of plan data (Normen: logging, and the person's insight in the log).

    Rows are only ever inserted: see ipplan/append_only.py for the model, trigger and role
    layers that keep it so.
    """

    # The vocabulary of reading a plan lives with the plan (plans/sections.py).
    Action = Action
    ActorRole = ActorRole

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="access_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_role = models.CharField(max_length=20, choices=ActorRole.choices)
    organisation_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    # The main section (rows written before `sections` existed have only this one).
    section = models.CharField(max_length=20)
    # Every section the page or download showed, in the order the view declared them. A JSON
    # list works the same on SQLite and PostgreSQL; filter it with `section_filter`.
    sections = models.JSONField(default=list, blank=True)
    # For a participant: the grants (AccessGrant ids) the sections were seen through.
    grant_ids = models.JSONField(default=list, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["plan", "-at", "-id"], name="consent_log_plan_at"),
            models.Index(fields=["plan", "actor", "-at"], name="consent_log_plan_actor_at"),
            # The owner's log hides their own entries by default, and an owner who reads the
            # plan often has thousands: their page reads the others' entries from this index
            # instead of skipping their own one by one (issue 14). Entries in the owner's role
            # are the owner's alone (consent.policy.plan_access; a plan's owner never changes).
            models.Index(
                fields=["plan", "-at", "-id"],
                name="consent_log_plan_others_at",
                condition=~models.Q(actor_role="owner"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_role} {self.action} {self.section}"

    @property
    def section_values(self) -> list[str]:
        return list(self.sections) or [self.section]

    @property
    def section_labels(self) -> list[str]:
        return [section_label(value) for value in self.section_values]

    @property
    def section_label(self) -> str:
        return ", ".join(self.section_labels)


def section_label(value: str) -> str:
    """A section's name for people; the overview (owner, coordinator, period) is "planen"."""
    if value in Section.values:
        return str(Section(value).label)
    return str(_("planen"))


def section_filter(value: str) -> models.Q:
    """Entries that showed `value`: in the `sections` list, or an old row's single section.

    JSON `contains` is PostgreSQL-only, so the list is matched as text: a section value is a
    plain word, so `"goals"` with its quotes matches that element and nothing else."""
    return models.Q(section=value, sections=[]) | models.Q(sections__icontains=f'"{value}"')


class Consent(models.Model):
    """Consent to the plan being made, or to sharing information with one participant.

    Records who gave it (the owner, or a parent or verge for them, with the basis), when, how
    (confirmed in ipplan by the logged-in person, or a signed paper form uploaded by the
    coordinator), what it covers in plain words, and its period.
    """

    class Kind(models.TextChoices):
        PLAN = "plan", _("Samtykke til individuell plan")
        SHARING = "sharing", _("Samtykke til å dele opplysninger med en deltaker")
        # On a relay log: consent to an individual plan, which lets the relay log continue as
        # one (plans.services.relay). Kept beside the consent to the relay log itself.
        IP = "ip", _("Samtykke til å fortsette som individuell plan")

    class Method(models.TextChoices):
        DIGITAL = "digital", _("Bekreftet i ipplan")
        PAPER = "paper", _("Signert papirskjema")

    class GiverRole(models.TextChoices):
        OWNER = "owner", _("Planeier selv")
        PARENT = "parent", _("Foresatt")
        GUARDIAN = "guardian", _("Verge")
        CHILD_WELFARE = "child_welfare", _("Barneverntjenesten")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    participant = models.ForeignKey(
        "plans.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tomt når papirskjemaet er signert av en uten bruker."),
    )
    given_by_name = models.CharField(_("samtykke gitt av"), max_length=150)
    given_by_role = models.CharField(max_length=20, choices=GiverRole.choices)
    basis = models.CharField(_("grunnlag"), max_length=200, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    covers = models.TextField(_("hva samtykket gjelder"))
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    given_at = models.DateTimeField(default=timezone.now)
    child_view = models.TextField(_("barnets egen mening"), blank=True)
    paper_storage_name = models.CharField(max_length=100, blank=True)
    paper_sha256 = models.CharField(max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A consent to the plan for a child is in force only once both parents with parental
    # responsibility have given it (the patients' rights act): the first opens it, the other
    # co-signs
    # (ConsentCosignature), and this is set when nobody who must consent is missing. Set at
    # once for the owner, a verge, a sole parent, and a paper form signed by all.
    complete_at = models.DateTimeField(null=True, blank=True)
    # A consent given for a child is replaced, not withdrawn, when the young person comes of
    # age and gives their own: the plan goes on (withdrawn_at is set, the plan stays open).
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(kind="plan", withdrawn_at__isnull=True),
                name="consent_one_active_plan_consent",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(kind="ip", withdrawn_at__isnull=True),
                name="consent_one_active_ip_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["plan", "ip"], participant__isnull=True)
                | models.Q(kind="sharing", participant__isnull=False),
                name="consent_sharing_names_a_participant",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="paper") | ~models.Q(paper_storage_name=""),
                name="consent_paper_has_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.given_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ConsentCosignature(models.Model):
    """A further parent's consent to the same plan consent (both parents with parental
    responsibility consent for a child under 16)."""

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="cosignatures")
    # Empty for a parent without a login whose signed form the coordinator registered.
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_by_name = models.CharField(max_length=150)
    basis = models.CharField(max_length=200, blank=True)
    given_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paper_storage_name = models.CharField(max_length=100, blank=True)
    paper_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["given_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "given_by"], name="consent_cosignature_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.given_by_name} ({self.given_at:%Y-%m-%d})"


class AccessGrant(models.Model):
    """The owner's decision: this participant may read (or read and write) this section of
    the plan from `starts_at` until `ends_at`. The record; guardian's rows are the mechanism.

    A grant is in force while status is ACTIVE and starts_at <= now < ends_at; expiry needs no
    job to run. The coordinator may propose grants; they take effect when the owner confirms
    them, or when the coordinator records them with a signed paper consent.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Foreslått, venter på planeier")
        ACTIVE = "active", _("Gitt")
        REVOKED = "revoked", _("Trukket tilbake")
        DECLINED = "declined", _("Avslått av planeier")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="grants")
    participant = models.ForeignKey(
        "plans.Participant", on_delete=models.PROTECT, related_name="grants"
    )
    section = models.CharField(max_length=20, choices=Section.choices)
    can_write = models.BooleanField(default=False)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(null=True, blank=True)
    paper_consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["participant_id", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "section"],
                condition=models.Q(status__in=["proposed", "active"]),
                name="consent_one_open_grant_per_section",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="consent_grant_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.section} until {self.ends_at:%Y-%m-%d}"

    def in_force(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.ACTIVE and self.starts_at <= now < self.ends_at


class PlanSection(models.Model):
    """The unit of access: one row per plan and section that someone has been granted.

    django-guardian keeps per-user object permissions on these rows through the direct
    foreign-key models below (not its generic ones), each tied to the grant it came from.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    section = models.CharField(max_length=20, choices=Section.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "section"], name="consent_plan_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.section}"


class PlanSectionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PlanSection, on_delete=models.CASCADE)
    grant = models.ForeignKey(AccessGrant, on_delete=models.CASCADE, related_name="permissions")


class Invitation(models.Model):
    """A single-use, expiring link by e-mail for a participant to join the plan. Only a hash of
    the token is stored; the link itself is in the e-mail alone."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(
        "plans.Participant", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation #{self.pk}"

    def usable(self, now=None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at
