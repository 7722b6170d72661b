"""The legal references the product shows or prints, as data with their public source and
validity. A change of law is a new row (and the old row's valid_to) in a data migration, never
a code change; letters keep the rows that were in force on the day they were written."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalReference(models.Model):
    # What the product uses the rule for ("complaint_deadline", "right_to_coordinator"), so
    # that a renumbering (the new forvaltningsloven) changes data, not the code that asks.
    code = models.SlugField(max_length=50)
    law = models.CharField(_("lov eller forskrift"), max_length=200)
    section = models.CharField(_("paragraf"), max_length=60, blank=True)
    title = models.CharField(_("korttittel"), max_length=200)
    text = models.TextField(_("regelen slik ipplan bruker den"))
    source_url = models.URLField(_("kilde"), max_length=300)
    valid_from = models.DateField(_("gjelder fra"))
    valid_to = models.DateField(_("gjelder til"), null=True, blank=True)

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="plans_law_one_version"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="plans_law_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        """The law and its section, or the regulation's name alone."""
        return f"{self.law} {self.section}".strip()

    @property
    def citation_nowrap(self) -> str:
        """For printed letters: the section's parts never split over two lines."""
        return f"{self.law} {self.section.replace(' ', NBSP)}".strip()


NBSP = "\u00a0"
