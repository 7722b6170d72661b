from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
INVALID_ORGANISATION_NUMBER = _("Organisasjonsnummeret må ha 9 siffer og gyldig kontrollsiffer.")
INVALID_PHONE = _("Skriv et telefonnummer med 8 siffer, eventuelt med landskode (+47).")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")


def validate_organisation_number(value: str) -> None:
    digits = value.replace(" ", "")
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()):
        raise ValidationError(INVALID_ORGANISATION_NUMBER, code="format")
    check = 11 - sum(int(d) * w for d, w in zip(digits[:8], ORG_WEIGHTS, strict=True)) % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[8]):
        raise ValidationError(INVALID_ORGANISATION_NUMBER, code="control")


def validate_phone(value: str) -> None:
    if not _PHONE.match(value.replace(" ", "")):
        raise ValidationError(INVALID_PHONE, code="phone")


def organisation_number_from_base(base: str) -> str:
    """Append the mod-11 control digit to eight digits (demo data and tests)."""
    check = 11 - sum(int(d) * w for d, w in zip(base, ORG_WEIGHTS, strict=True)) % 11
    if check == 10:
        raise ValueError(f"{base} has no valid control digit")
    return f"{base}{0 if check == 11 else check}"
