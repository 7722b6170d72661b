"""Account set-up codes, the notification outbox and the security log."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.people import Municipality, User
from ipplan.append_only import AppendOnlyModel


class SetupCodeException(models.Model):
    """A documented exception that lets a coordinator make a set-up code for an adult: a
    case handler in the person's municipality approved it, with a reason. Valid for a short
    time and for one code."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("begrunnelse"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Set-up code exception for user #{self.person_id}"


class AccountSetupCode(models.Model):
    """A one-time code a coordinator hands over in person, so that a child (or anyone without
    e-mail or ID-porten) can choose a password and set up a second factor. Only a hash of the
    code is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="setup_codes")
    code_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    # For an adult: the approved exception this code was made under.
    exception = models.ForeignKey(
        SetupCodeException, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Setup code for user #{self.user_id}"


class OutboxMessage(models.Model):
    """A notification to send, written in the same transaction as the change that caused it.

    It says only that something happened, with a link: no names of services, no plan content.
    A task delivers it and marks it sent; `dedupe_key` makes a repeated cause a no-op.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-post")
        SMS = "sms", _("SMS")

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="outbox"
    )
    address = models.CharField(max_length=254)
    kind = models.CharField(max_length=40)
    # A secret link (a one-time set-up code, an e-mail confirmation) is stored encrypted, which
    # makes it several times longer than the path itself.
    link = models.CharField(max_length=1000)
    language = models.CharField(max_length=5, default="nb")
    # A calendar file (text/calendar) to attach; it holds times and a link, never content.
    calendar = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # Retries back off: the sweep takes rows in order of this time, so rows that keep failing
    # move back and never hold up a new message. After IPPLAN_OUTBOX_MAX_ATTEMPTS the row is
    # marked failed and shown to the municipality's administrator (address, never content).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["sent_at", "created_at"], name="accounts_outbox_pending"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="accounts_outbox_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to user #{self.recipient_id} ({'sent' if self.sent_at else 'pending'})"


class SecurityEvent(AppendOnlyModel):
    """One security-relevant event: logins, refused logins, second factors, credentials,
    roles and representations. No secrets, tokens, identity numbers or health content; the
    detail is a short code-like text. The person an event concerns can be shown it."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Innlogging")
        LOGIN_FAILED = "login_failed", _("Mislykket innlogging")
        LOGIN_LIMITED = "login_limited", _("Innlogging stoppet av grense for forsøk")
        LOGOUT = "logout", _("Utlogging")
        MFA_ADDED = "mfa_added", _("Totrinnsinnlogging lagt til")
        MFA_REMOVED = "mfa_removed", _("Totrinnsinnlogging fjernet")
        PASSWORD_SET = "password_set", _("Passord satt")
        SETUP_CODE_CREATED = "setup_code_created", _("Engangskode laget")
        SETUP_CODE_REDEEMED = "setup_code_redeemed", _("Engangskode brukt")
        SETUP_CODE_REFUSED = "setup_code_refused", _("Engangskode avvist")
        SETUP_CODE_DENIED = "setup_code_denied", _("Engangskode ikke laget")
        SETUP_CODE_APPROVED = "setup_code_approved", _("Unntak for engangskode godkjent")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitasjon tatt imot")
        USER_CREATED = "user_created", _("Bruker opprettet")
        USER_DEACTIVATED = "user_deactivated", _("Bruker deaktivert")
        ROLE_GRANTED = "role_granted", _("Rolle gitt")
        ROLE_REVOKED = "role_revoked", _("Rolle fjernet")
        REPRESENTATION_CREATED = "repr_created", _("Representant registrert")
        REPRESENTATION_CONFIRMED = "repr_confirmed", _("Representant bekreftet av personen")
        REPRESENTATION_ENDED = "repr_ended", _("Representant avsluttet")
        IDPORTEN_LINKED = "idporten_linked", _("ID-porten koblet til bruker")
        IDPORTEN_REFUSED = "idporten_refused", _("ID-porten-innlogging avvist")
        ACCESS_DENIED = "access_denied", _("Tilgang nektet")
        EMAIL_CHANGED = "email_changed", _("E-postadresse endret")
        RETENTION_CHANGED = "retention_changed", _("Oppbevaringstid endret")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Whom the event concerns, and who did it (None: the person themselves or the system).
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="security_events"
    )
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client = models.CharField(max_length=45, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="accounts_secevent_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} user #{self.user_id}"
