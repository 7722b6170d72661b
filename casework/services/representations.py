"""The coordinating unit registers who acts for a person: it names the people by their
national identity number (as on a paper application) and the accounts services record the
representation with its basis, log it and tell those concerned."""

from __future__ import annotations

from django.db import transaction

from accounts import representations
from accounts.models import Representation
from accounts.services import person_find_or_register

Kind = Representation.Kind


def _person(data, prefix: str, municipality, acting_user):
    return person_find_or_register(
        national_id=data[f"{prefix}_national_id"],
        first_name=data.get(f"{prefix}_first_name", ""),
        last_name=data.get(f"{prefix}_last_name", ""),
        municipality=municipality,
        acting_user=acting_user,
    )


@transaction.atomic
def representation_register(*, kind: str, data: dict, acting_user, request=None):
    """One registration from the unit's form; everything or nothing is saved."""
    municipality = data["municipality"]
    person = _person(data, "person", municipality, acting_user)
    representative = _person(data, "representative", municipality, acting_user)
    common = {
        "person": person,
        "document_reference": data.get("document_reference", ""),
        "acting_user": acting_user,
        "request": request,
    }
    if kind == Kind.PARENT:
        other = None
        if data.get("other_parent_national_id"):
            other = _person(data, "other_parent", municipality, acting_user)
        name = f"{data['other_parent_first_name']} {data['other_parent_last_name']}".strip()
        return representations.representation_parent_register(
            parent=representative,
            other_parent_name=name,
            other_parent=other,
            basis_kind=data["basis_kind"],
            document=data.get("document"),
            **common,
        )
    if kind == Kind.CHILD_WELFARE:
        return representations.representation_child_welfare_register(
            caseworker=representative,
            decision=data.get("document"),
            valid_from=data["valid_from"],
            **common,
        )
    if kind == Kind.GUARDIAN:
        return representations.representation_guardian_register(
            guardian=representative,
            appointment=data.get("document"),
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            **common,
        )
    return representations.representation_proxy_propose(
        proxy=representative,
        document=data.get("document"),
        valid_until=data.get("valid_until"),
        **common,
    )
