"""Who acts for whom: parents, verges and proxies, with their basis and period."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models.people import User


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
        # The child welfare service has taken over care: it consents to health care for the
        # child in the parents' place (the patients' rights act); the parents no longer decide.
        CHILD_WELFARE = "child_welfare", _("Barneverntjenesten (har overtatt omsorgen)")

    class BasisKind(models.TextChoices):
        POPULATION_REGISTER = "population_register", _("Folkeregisteret")
        BIRTH_CERTIFICATE = "birth_certificate", _("Fødselsattest")
        GUARDIANSHIP_APPOINTMENT = (
            "guardianship_appointment",
            _("Vergeoppnevning fra Statsforvalteren"),
        )
        OWNER_CHOICE = "owner_choice", _("Valgt og bekreftet av personen selv")
        CARE_ORDER = "care_order", _("Vedtak om omsorgsovertakelse")
        # A parent applying for a barnekoordinator for a child they expect: stated by the
        # parent, confirmed from the population register when the child is linked after birth.
        EXPECTED_CHILD = "expected_child", _("Venter barnet (oppgitt av forelderen)")

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
