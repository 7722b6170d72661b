"""Barnekoordinator for a child the parents expect (legal reference
"right_to_child_coordinator": families who have *or expect* a child with serious illness,
injury or disability).

The parent applies with the due date and no identity number. The case's person is the
child's own record, made here without an identity number and with the due date as its
expected birth date (so every rule for a child under the age of consent applies: the
letter goes to the parents, the parents decide); the applying parent, and the other parent
when known, are its parents. After the birth the case handler, or the family's
barnekoordinator, links the record to the child's identity number: nothing typed is lost,
since the case, the letters, the family's workspace and the parents all stay on it (or
move to the child's existing record in one step)."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto, national_id
from accounts.models import Municipality, Representation, StaffMembership, User
from accounts.representations import (
    representation_birth_confirm,
    representation_expected_child_register,
)
from accounts.services import person_find_or_register, user_create
from casework.models import Case, Letter
from casework.services.cases import _next_number
from casework.services.letters import case_log
from consent.policy import family_access, holds_role
from ipplan import ratelimit
from plans.models import Family
from plans.services.family import family_log

Role = StaffMembership.Role

DUE_DATE_RANGE = _(
    "Termindatoen må være i dag eller innen de neste ti månedene. Er barnet født, søker du "
    "for barnet med fødselsnummeret."
)
OTHER_PARENT_NAME_NEEDED = _("Skriv fornavn og etternavn på den andre forelderen.")
ALREADY_LINKED = _("Barnet er allerede koblet til et fødselsnummer.")
NOT_EXPECTED = _("Saken gjelder ikke et ventet barn.")
MAY_NOT_LINK = _(
    "Bare saksbehandlere i koordinerende enhet og familiens barnekoordinator kan koble barnet "
    "til fødselsnummeret."
)
BIRTH_DATE_FAR_FROM_DUE_DATE = _(
    "Fødselsdatoen i nummeret passer ikke med termindatoen. Sjekk fødselsnummeret."
)
BOTH_HAVE_A_FAMILY_PAGE = _(
    "Barnet har allerede en egen familieside. Avslutt den ene før barnet kobles til "
    "fødselsnummeret."
)
# How far a birth may be from the due date before the number is more likely a typing error.
BIRTH_WINDOW = datetime.timedelta(days=120)
MAX_AHEAD = datetime.timedelta(days=300)


def _child_record(
    *, parent: User, municipality: Municipality, expected_on, first_name, acting_user
):
    return user_create(
        username=f"ventet-{uuid.uuid4().hex[:12]}",
        first_name=first_name.strip() or "Barnet",
        last_name=parent.last_name,
        birth_date=expected_on,
        home_municipality=municipality,
        acting_user=acting_user,
    )


@transaction.atomic
def expected_child_apply(
    *,
    parent: User,
    municipality: Municipality,
    expected_on: datetime.date,
    child_first_name: str = "",
    other_parent_first_name: str = "",
    other_parent_last_name: str = "",
    other_parent_national_id: str = "",
    needs: str,
    current_services: str = "",
    preferred_coordinator: str = "",
    consent_to_contact: bool = False,
    acting_user: User,
) -> Case:
    """The parent's application for a barnekoordinator for a child they expect. The other
    parent is named when known, and becomes a party to the case when their identity number is
    given (they then see the case and its letters as the applying parent does)."""
    if acting_user.pk != parent.pk:
        raise PermissionDenied
    today = timezone.localdate()
    if not today <= expected_on <= today + MAX_AHEAD:
        raise ValidationError({"expected_on": DUE_DATE_RANGE})
    other_name = f"{other_parent_first_name.strip()} {other_parent_last_name.strip()}".strip()
    if other_parent_national_id and not (
        other_parent_first_name.strip() and other_parent_last_name.strip()
    ):
        raise ValidationError({"other_parent_first_name": OTHER_PARENT_NAME_NEEDED})
    ratelimit.hit("case", acting_user.pk)
    child = _child_record(
        parent=parent,
        municipality=municipality,
        expected_on=expected_on,
        first_name=child_first_name,
        acting_user=acting_user,
    )
    representation_expected_child_register(
        child=child, parent=parent, other_parent_name=other_name, acting_user=acting_user
    )
    if other_parent_national_id:
        other = person_find_or_register(
            national_id=other_parent_national_id,
            first_name=other_parent_first_name,
            last_name=other_parent_last_name,
            municipality=municipality,
            acting_user=acting_user,
        )
        if other.pk != parent.pk:
            representation_expected_child_register(
                child=child,
                parent=other,
                other_parent_name=parent.display_name,
                acting_user=acting_user,
            )
    case = Case.objects.create(
        municipality=municipality,
        number=_next_number(municipality, today.year),
        person=child,
        kind=Case.Kind.APPLICATION,
        received_on=today,
        submitted_by=acting_user,
        submitter_role=Case.SubmitterRole.GUARDIAN,
        submitter_name=acting_user.display_name,
        wants_child_coordinator=True,
        needs=needs,
        current_services=current_services,
        preferred_coordinator=preferred_coordinator,
        consent_to_contact=consent_to_contact,
        expected_on=expected_on,
    )
    case_log(case, acting_user, "create", _("Søknad om barnekoordinator for et ventet barn"))
    return case


def may_link(user: User, child: User) -> bool:
    """A case handler in the child's municipality, or the barnekoordinator of the child's
    family (through the one door, consent.policy.family_access)."""
    if holds_role(user, Role.CASE_HANDLER, child.home_municipality_id):
        return True
    families = Family.objects.filter(child=child, status=Family.Status.ACTIVE)
    return any(
        family_access(
            user,
            municipality_id=f.municipality_id,
            child_id=f.child_id,
            coordinator_id=f.coordinator_id,
        ).is_coordinator
        for f in families
    )


@transaction.atomic
def expected_child_link(
    *,
    child: User,
    national_id_value: str,
    first_name: str,
    last_name: str,
    document_reference: str,
    acting_user: User,
) -> User:
    """Link the expected child's record to the child after the birth: the identity number
    (fødselsnummer or D-nummer, validated mod 11), the name, and the parents confirmed from
    the population register. Returns the child's record: the same one, or, where the child
    already had a record (registered by another service), that one, with the case, its
    letters, the family's workspace and the parents moved to it."""
    if not may_link(acting_user, child):
        raise PermissionDenied(MAY_NOT_LINK)
    child = User.objects.select_for_update().get(pk=child.pk)
    if child.has_national_id:
        raise ValidationError(ALREADY_LINKED, code="linked")
    cases = list(Case.objects.filter(person=child, expected_on__isnull=False))
    if not cases:
        raise ValidationError(NOT_EXPECTED, code="not_expected")
    parsed = national_id.parse(national_id_value)
    expected_on = cases[0].expected_on
    if abs(parsed.birth_date - expected_on) > BIRTH_WINDOW or parsed.birth_date > (
        timezone.localdate()
    ):
        raise ValidationError({"national_id": BIRTH_DATE_FAR_FROM_DUE_DATE})
    existing = User.objects.filter(national_id_digest=crypto.digest(parsed.value)).first()
    if existing is None:
        child.set_national_id(parsed.value)
        child.first_name, child.last_name = first_name.strip(), last_name.strip()
        child.full_clean()
        child.save()
        target = child
    else:
        target = _move_to(child, existing)
    representation_birth_confirm(
        child=target, document_reference=document_reference, acting_user=acting_user
    )
    for case in Case.objects.filter(person=target, expected_on__isnull=False):
        case_log(case, acting_user, "update", _("Barnet er født og koblet til fødselsnummeret"))
    for family in Family.objects.filter(child=target):
        family_log(family, acting_user, "update", _("Barnet er født og koblet til fødselsnummeret"))
    return target


def _move_to(placeholder: User, child: User) -> User:
    """The child already has a record: the expected child's case, letters, family workspace and
    parents move to it, and the empty record is switched off (kept, for the logs)."""
    active = Family.objects.filter(status=Family.Status.ACTIVE)
    if active.filter(child=placeholder).exists() and active.filter(child=child).exists():
        raise ValidationError(BOTH_HAVE_A_FAMILY_PAGE, code="two_families")
    Case.objects.filter(person=placeholder).update(person=child)
    Letter.objects.filter(recipient=placeholder).update(recipient=child)
    Family.objects.filter(child=placeholder).update(child=child)
    for rep in Representation.objects.filter(person=placeholder, ended_at__isnull=True):
        if Representation.objects.filter(
            person=child, representative=rep.representative_id, kind=rep.kind, ended_at__isnull=True
        ).exists():
            rep.ended_at = timezone.now()
            rep.save(update_fields=["ended_at"])
        else:
            rep.person = child
            rep.save(update_fields=["person"])
    placeholder.is_active = False
    placeholder.save(update_fields=["is_active"])
    return child
