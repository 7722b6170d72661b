"""Norwegian national identity numbers (fødselsnummer, D-nummer, H-nummer).

Eleven digits: birth date (DDMMYY), a three-digit individual number whose range gives the
century, and two mod-11 control digits. A D-nummer adds 4 to the first digit of the day, an
h-nummer (health services) adds 4 to the first digit of the month. Synthetic test identities
from Skatteetaten's Tenor add 8 to the first digit of the month; they are accepted only where
IPPLAN_ACCEPT_SYNTHETIC_NATIONAL_IDS is on (never in production).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
WEIGHTS_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

INVALID_FORMAT = _("Fødselsnummeret må ha 11 siffer.")
INVALID_CONTROL = _("Fødselsnummeret er ikke gyldig (kontrollsifrene stemmer ikke).")
INVALID_DATE = _("Fødselsnummeret inneholder ikke en gyldig fødselsdato.")
SYNTHETIC_REFUSED = _("Syntetiske testnumre kan ikke brukes her.")


@dataclass(frozen=True)
class NationalId:
    value: str
    birth_date: datetime.date
    kind: str  # "fnr", "dnr", "hnr" or "synthetic"

    @property
    def masked(self) -> str:
        return mask(self.value)


def control_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def _century(year: int, individual: int) -> int | None:
    if individual <= 499:
        return 1900
    if individual <= 749 and year >= 54:
        return 1800
    if individual >= 900 and year >= 40:
        return 1900
    if year <= 39:
        return 2000
    return None


def normalise(raw: str) -> str:
    return "".join(ch for ch in str(raw) if not ch.isspace())


def parse(raw: str, *, allow_synthetic: bool | None = None) -> NationalId:
    """Validate and parse; raises ValidationError with a message for the user."""
    if allow_synthetic is None:
        allow_synthetic = settings.IPPLAN_ACCEPT_SYNTHETIC_NATIONAL_IDS
    value = normalise(raw)
    if len(value) != 11 or not (value.isascii() and value.isdigit()):  # not "²" or "١"
        raise ValidationError(INVALID_FORMAT, code="format")
    if control_digit(value[:9], WEIGHTS_K1) != int(value[9]):
        raise ValidationError(INVALID_CONTROL, code="control")
    if control_digit(value[:10], WEIGHTS_K2) != int(value[10]):
        raise ValidationError(INVALID_CONTROL, code="control")

    day, month, year = int(value[0:2]), int(value[2:4]), int(value[4:6])
    kind = "fnr"
    if day > 40:
        day, kind = day - 40, "dnr"
    if month > 80:
        month, kind = month - 80, "synthetic"
    elif month > 40:
        month, kind = month - 40, "hnr"
    if kind == "synthetic" and not allow_synthetic:
        raise ValidationError(SYNTHETIC_REFUSED, code="synthetic")
    century = _century(year, int(value[6:9]))
    if century is None:
        raise ValidationError(INVALID_DATE, code="date")
    try:
        birth_date = datetime.date(century + year, month, day)
    except ValueError:
        raise ValidationError(INVALID_DATE, code="date") from None
    return NationalId(value=value, birth_date=birth_date, kind=kind)


def validate_national_id(raw: str) -> None:
    parse(raw)


def mask(value: str) -> str:
    """Show the birth-date part only: 010190 *****."""
    return f"{value[:6]} *****" if len(value) == 11 else "*****"


def build(birth_date: datetime.date, individual: int, *, synthetic: bool = False) -> str | None:
    """The valid number for a date and individual number, or None if no control digit exists.

    Used by the demo data and tests to make valid (synthetic) numbers, never real people's.
    """
    month = birth_date.month + (80 if synthetic else 0)
    base = f"{birth_date.day:02d}{month:02d}{birth_date.year % 100:02d}{individual:03d}"
    k1 = control_digit(base, WEIGHTS_K1)
    if k1 is None:
        return None
    k2 = control_digit(base + str(k1), WEIGHTS_K2)
    if k2 is None:
        return None
    return f"{base}{k1}{k2}"
