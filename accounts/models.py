"""People, municipalities and their services, staff roles and who may act for whom."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto, national_id
from accounts.validators import validate_organisation_number, validate_phone
from ipplan.append_only import AppendOnlyModel


class Municipality(models.Model):
    """A municipality using this installation; it owns its services, staff, plans and cases."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnavn"), max_length=60, unique=True)
    municipality_number = models.CharField(_("kommunenummer"), max_length=4, unique=True)
    organisation_number = models.CharField(
        _("organisasjonsnummer"),
        max_length=9,
        unique=True,
        validators=[validate_organisation_number],
    )
    coordinating_unit_name = models.CharField(
        _("koordinerende enhet"), max_length=150, default="Koordinerende enhet"
    )
    address = models.CharField(_("postadresse"), max_length=150)
    postal_code = models.CharField(_("postnummer"), max_length=4)
    postal_town = models.CharField(_("poststed"), max_length=60)
    phone = models.CharField(_("telefon"), max_length=20, validators=[validate_phone])
    email = models.EmailField(_("e-post"))
    complaint_address = models.TextField(
        _("klageadresse"),
        help_text=_("Hvor klager sendes (mottakeren er den som fattet vedtaket)."),
    )
    county_governor = models.CharField(
        _("statsforvalter"), max_length=100, help_text=_("F.eks. «Statsforvalteren i Innlandet».")
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def postal_address_lines(self) -> list[str]:
        return [
            self.coordinating_unit_name,
            self.name,
            self.address,
            f"{self.postal_code} {self.postal_town}",
        ]


class Organisation(models.Model):
    """A service or organisation taking part in plans: home care, NAV, a school, a GP office."""

    class Kind(models.TextChoices):
        HOME_CARE = "home_care", _("Hjemmetjeneste")
        NAV = "nav", _("NAV")
        SCHOOL = "school", _("Skole")
        KINDERGARTEN = "kindergarten", _("Barnehage")
        PPT = "ppt", _("PP-tjenesten")
        GP = "gp", _("Fastlege")
        PHYSIOTHERAPY = "physiotherapy", _("Fysioterapi")
        MENTAL_HEALTH = "mental_health", _("Psykisk helse og rus")
        CHILD_WELFARE = "child_welfare", _("Barnevern")
        HEALTH_CENTRE = "health_centre", _("Helsestasjon")
        SPECIALIST = "specialist", _("Spesialisthelsetjenesten")
        COORDINATING_UNIT = "coordinating_unit", _("Koordinerende enhet")
        OTHER = "other", _("Annen tjeneste")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="organisations"
    )
    name = models.CharField(_("navn"), max_length=150)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    phone = models.CharField(_("telefon"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-post"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("tjeneste")
        verbose_name_plural = _("tjenester")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="accounts_org_unique_name_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Anyone who logs in, and anyone a plan is about (a small child may never log in).

    E-mail and phone are optional. The national identity number is stored encrypted, with a
    keyed digest for look-ups (ID-porten logins); only its masked form is ever displayed.
    """

    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("mobil"), max_length=20, blank=True, validators=[validate_phone])
    birth_date = models.DateField(_("fødselsdato"), null=True, blank=True)
    national_id_digest = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    national_id_encrypted = models.TextField(blank=True, editable=False)
    mfa_required = models.BooleanField(
        _("krever totrinnsinnlogging"),
        default=False,
        help_text=_("For lokale kontoer uten ID-porten: barn og inviterte deltakere."),
    )
    home_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("bostedskommune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
    )

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="accounts_user_unique_email_ci"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def set_national_id(self, raw: str) -> national_id.NationalId:
        parsed = national_id.parse(raw)
        self.national_id_digest = crypto.digest(parsed.value)
        self.national_id_encrypted = crypto.encrypt(parsed.value)
        self.birth_date = parsed.birth_date
        return parsed

    @property
    def has_national_id(self) -> bool:
        return bool(self.national_id_encrypted)

    def get_national_id(self) -> str:
        """The full number, for the few documents that must carry it (never for display)."""
        return crypto.decrypt(self.national_id_encrypted) if self.national_id_encrypted else ""

    @property
    def national_id_masked(self) -> str:
        return national_id.mask(self.get_national_id()) if self.national_id_encrypted else ""

    def age_on(self, day: datetime.date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class StaffMembership(models.Model):
    """A professional role in one municipality. Every staff role needs MFA."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Koordinator")
        CASE_HANDLER = "case_handler", _("Saksbehandler i koordinerende enhet")
        ADMINISTRATOR = "administrator", _("Administrator")
        PROFESSIONAL = "professional", _("Tjenesteyter")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    title = models.CharField(_("stilling"), max_length=100, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="accounts_membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["municipality", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.municipality})"

    def clean(self):
        if self.organisation_id and self.organisation.municipality_id != self.municipality_id:
            raise ValidationError(
                {"organisation": _("Tjenesten hører til en annen kommune enn rollen.")}
            )


class RepresentationQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date) -> RepresentationQuerySet:
        """Representations that let someone act for the person on `day`: started, not past
        their end date, not ended, and (for a representative the person chose) confirmed by
        the person. The parent's role ending at the age of consent is a rule of its own
        (accounts.roles.parent_role_has_ended)."""
        return (
            self.filter(valid_from__lte=day, ended_at__isnull=True)
            .exclude(valid_until__lt=day)
            .exclude(kind=Representation.Kind.PROXY, confirmed_at__isnull=True)
        )


class Representation(models.Model):
    """Someone who acts for a person: a parent with parental responsibility, a verge, or a
    representative the person chose. They see and decide what the person could.

    Made only by the services in accounts/representations.py, which record the basis (the
    population register, a birth certificate, the Statsforvalteren's appointment, the person's
    own confirmation), write the security log and tell the person and the other parent."""

    class Kind(models.TextChoices):
        PARENT = "parent", _("Foresatt (foreldreansvar)")
        GUARDIAN = "guardian", _("Verge")
        PROXY = "proxy", _("Fullmektig valgt av personen")

    class BasisKind(models.TextChoices):
        POPULATION_REGISTER = "population_register", _("Folkeregisteret")
        BIRTH_CERTIFICATE = "birth_certificate", _("Fødselsattest")
        GUARDIANSHIP_APPOINTMENT = (
            "guardianship_appointment",
            _("Vergeoppnevning fra Statsforvalteren"),
        )
        OWNER_CHOICE = "owner_choice", _("Valgt og bekreftet av personen selv")

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="representatives")
    representative = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="represented_people"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    basis = models.CharField(
        _("grunnlag"), max_length=200, help_text=_("F.eks. foreldreansvar, vergemål fra dato.")
    )
    basis_kind = models.CharField(
        _("grunnlag for registreringen"), max_length=30, choices=BasisKind.choices
    )
    document_reference = models.CharField(
        _("dokumentreferanse"),
        max_length=100,
        blank=True,
        help_text=_("F.eks. saksnummeret hos Statsforvalteren eller folkeregisteroppslaget."),
    )
    # An uploaded document (birth certificate, the Statsforvalteren's appointment, a power of
    # attorney), stored privately under a generated name (ipplan/files.py).
    document = models.CharField(max_length=100, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    other_parent_name = models.CharField(_("den andre forelderen"), max_length=150, blank=True)
    other_parent = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField(_("gyldig fra"))
    valid_until = models.DateField(_("gyldig til"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A representative the person chose is in force only once the person confirmed it.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RepresentationQuerySet.as_manager()

    class Meta:
        verbose_name = _("representant")
        verbose_name_plural = _("representanter")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "representative", "kind"],
                condition=Q(ended_at__isnull=True),
                name="accounts_representation_unique_open",
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("representative")),
                name="accounts_representation_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.representative} → {self.person} ({self.get_kind_display()})"

    @property
    def is_pending(self) -> bool:
        return self.kind == self.Kind.PROXY and self.confirmed_at is None and self.ended_at is None


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
    link = models.CharField(max_length=300)
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
