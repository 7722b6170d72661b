"""Reading the legal references (plans.models.LegalReference): the one in force on a day.

Every reference the product shows or prints comes from here; tests/test_no_hardcoded_law.py
fails on a paragraph written into a template or a Python string."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from plans.models import LegalReference


class MissingLegalReference(LookupError):
    """No row in force for a code on a day: a data migration is missing."""


def _in_force(on: datetime.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def legal_reference(code: str, *, on: datetime.date | None = None) -> LegalReference:
    """The version of the rule `code` in force on `on` (today by default)."""
    return legal_references(code, on=on)[code]


def legal_references(*codes: str, on: datetime.date | None = None) -> dict[str, LegalReference]:
    """Several codes in one query, keyed by code; every code must have a row in force."""
    on = on or timezone.localdate()
    found = {
        ref.code: ref
        for ref in LegalReference.objects.filter(_in_force(on), code__in=codes).order_by(
            "valid_from"
        )
    }
    missing = sorted(set(codes) - set(found))
    if missing:
        raise MissingLegalReference(f"No legal reference in force on {on}: {', '.join(missing)}")
    return found
