"""People, municipalities and their services, and staff roles."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts import crypto, national_id
from accounts.validators import validate_organisation_number, validate_phone

# Thirty years: far beyond any working need, short of "for ever" by mistake.
RETENTION_MAX_MONTHS = 360


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
    # Retention (coordination/services/retention.py). The law sets no fixed period for the
    # working copy of a closed plan: the archive copy (PDF/A) is what the archive rules keep, so
    # how long the working copy stays after closing is the municipality's own choice. The access
    # log is kept at least as long, so the person can still see who read the plan.
    working_copy_retention_months = models.PositiveSmallIntegerField(
        _("måneder arbeidskopien beholdes etter avslutning"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(RETENTION_MAX_MONTHS)],
    )
    access_log_retention_months = models.PositiveSmallIntegerField(
        _("måneder tilgangsloggen beholdes etter avslutning"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(RETENTION_MAX_MONTHS)],
    )
    relay_log_own_consent = models.BooleanField(
        _("ungdom fra 15 år samtykker selv til stafettlogg"),
        default=False,
        help_text=_(
            "Kommunens rutine: fra 15 år samtykker ungdommen selv til sin stafettlogg, i stedet "
            "for foreldrene."
        ),
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(access_log_retention_months__gte=F("working_copy_retention_months")),
                name="accounts_access_log_kept_as_long_as_working_copy",
            ),
            models.CheckConstraint(
                condition=Q(working_copy_retention_months__gte=1)
                & Q(working_copy_retention_months__lte=RETENTION_MAX_MONTHS)
                & Q(access_log_retention_months__lte=RETENTION_MAX_MONTHS),
                name="accounts_retention_months_in_range",
            ),
        ]

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


def display_name_of(first_name: str, last_name: str, username: str) -> str:
    """A person's name as every page shows it (User.display_name): the full name, or the
    username when no name is known. For pages that read the three columns without the user."""
    return f"{first_name} {last_name}".strip() or username


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
    # Health-personnel number (HPR), only ever taken from a verified HelseID login, never typed:
    # HPR numbers are public, and a typed one would let its typist log in as this account.
    hpr_number = models.CharField(
        _("HPR-nummer"), max_length=9, blank=True, default="", editable=False, db_index=True
    )
    mfa_required = models.BooleanField(
        _("krever totrinnsinnlogging"),
        default=False,
        help_text=_("For lokale kontoer uten ID-porten: barn og inviterte deltakere."),
    )
    # Notifications go to the e-mail address in KRR unless the person chose their own here.
    uses_own_email = models.BooleanField(
        _("bruk min egen e-postadresse for varsler"), default=False
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
        return display_name_of(self.first_name, self.last_name, self.username)

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
