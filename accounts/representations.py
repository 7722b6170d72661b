"""Who may act for whom. Representations are made only here, each with its basis recorded,
a line in the security log and a notification to the person and whoever else acts for them:

- a parent: entered by a case handler of the coordinating unit in the child's municipality,
  from the population register or a birth certificate, with both parents named;
- a verge: entered by a case handler with the Statsforvalteren's appointment uploaded;
- a representative the person chose (fullmektig): proposed, and in force only once the person
  confirmed it themselves, logged in, deciding alone.

No administrator role appears here: administrators manage staff and services, never who acts
for a citizen (security.md, threat model).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Representation, SecurityEvent, StaffMembership, User
from accounts.notifications import notify_user
from accounts.roles import decides_alone, user_roles
from accounts.security import security_event_record
from ipplan.files import stored_upload

Kind = Representation.Kind
BasisKind = Representation.BasisKind
Event = SecurityEvent.Kind

ONLY_CASE_HANDLERS = _(
    "Bare saksbehandlere i koordinerende enhet i kommunen personen bor i, kan registrere "
    "hvem som handler for personen."
)
NOT_YOURSELF = _("Du kan ikke registrere deg selv som representant.")
SAME_PERSON = _("Personen og representanten må være to forskjellige personer.")
ALREADY_REGISTERED = _("Denne representanten er allerede registrert for personen.")
PARENT_ONLY_FOR_CHILDREN = _(
    "Personen har nådd myndighetsalderen for helsehjelp og bestemmer selv. Foreldre kan ikke "
    "registreres som foresatte."
)
PARENT_BASIS = _("Grunnlaget for foreldreansvar er Folkeregisteret eller en fødselsattest.")
BOTH_PARENTS_NAMED = _("Skriv navnet på den andre forelderen. Begge foreldrene skal stå i saken.")
REFERENCE_NEEDED = _("Skriv dokumentreferansen (for eksempel saksnummer eller oppslag).")
APPOINTMENT_NEEDED = _("Last opp vergeoppnevningen fra Statsforvalteren.")
CARE_ORDER_NEEDED = _("Last opp vedtaket om omsorgsovertakelse.")
PROXY_NEEDS_ADULT = _(
    "Bare en person som bestemmer selv (har nådd myndighetsalderen for helsehjelp), kan velge "
    "en fullmektig."
)
ONLY_THE_PERSON_CONFIRMS = _("Bare personen selv kan bekrefte en fullmektig.")
NOT_PENDING = _("Forslaget er allerede bekreftet eller avsluttet.")
ALREADY_ENDED = _("Denne representasjonen er allerede avsluttet.")
NOT_YOURS_TO_END = _(
    "Bare koordinerende enhet, eller personen selv for en fullmektig, kan avslutte dette."
)
UNTIL_BEFORE_FROM = _("Sluttdatoen kan ikke være før startdatoen.")


def is_case_handler_for(user: User, person: User) -> bool:
    return person.home_municipality_id is not None and user_roles(user).has(
        StaffMembership.Role.CASE_HANDLER, person.home_municipality_id
    )


def _require_case_handler(acting_user: User, person: User) -> None:
    if not is_case_handler_for(acting_user, person):
        raise PermissionDenied(ONLY_CASE_HANDLERS)


def _basis_text(basis_kind: str, reference: str) -> str:
    label = str(BasisKind(basis_kind).label)
    return f"{label}: {reference}"[:200] if reference else label


def _tell(representation: Representation, kind: str, *, also: list[User] = ()) -> None:
    """The person, and everyone else who acts for them now (the other parent), are told that
    something changed; the link leads to the profile page that shows who and on what basis."""
    day = timezone.localdate()
    others = [
        r.representative
        for r in Representation.objects.in_force(day)
        .filter(person_id=representation.person_id)
        .exclude(pk=representation.pk)
        .select_related("representative")
    ]
    people = [representation.person, *others, *also]
    if representation.other_parent is not None:
        people.append(representation.other_parent)
    seen: set[int] = set()
    for user in people:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        notify_user(
            user=user,
            kind=kind,
            link=reverse("accounts:profile"),
            dedupe_key=f"{kind}:{representation.pk}:{user.pk}",
        )


def _create(
    *,
    person: User,
    representative: User,
    kind: str,
    basis_kind: str,
    document_reference: str,
    document,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    acting_user: User,
    other_parent_name: str = "",
    other_parent: User | None = None,
    request=None,
) -> Representation:
    if representative.pk == acting_user.pk:
        raise ValidationError(NOT_YOURSELF, code="self")
    if representative.pk == person.pk:
        raise ValidationError(SAME_PERSON, code="same")
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(UNTIL_BEFORE_FROM, code="dates")
    open_rows = Representation.objects.filter(
        person=person, representative=representative, kind=kind, ended_at__isnull=True
    )
    if open_rows.exists():
        raise ValidationError(ALREADY_REGISTERED, code="exists")
    with stored_upload(document, folder="representations") as stored:
        representation = Representation(
            person=person,
            representative=representative,
            kind=kind,
            basis=_basis_text(basis_kind, document_reference),
            basis_kind=basis_kind,
            document_reference=document_reference,
            document=stored.storage_name if stored else "",
            document_name=stored.original_name if stored else "",
            other_parent_name=other_parent_name,
            other_parent=other_parent,
            valid_from=valid_from,
            valid_until=valid_until,
            created_by=acting_user,
        )
        representation.full_clean()
        representation.save()
    security_event_record(
        Event.REPRESENTATION_CREATED,
        user=person,
        actor=acting_user,
        municipality=person.home_municipality,
        request=request,
        detail=f"{kind} basis={basis_kind} id={representation.pk}"
        + (" pending" if kind == Kind.PROXY else ""),
    )
    return representation


@transaction.atomic
def representation_parent_register(
    *,
    person: User,
    parent: User,
    other_parent_name: str,
    other_parent: User | None = None,
    basis_kind: str,
    document_reference: str,
    document=None,
    valid_from: datetime.date | None = None,
    acting_user: User,
    request=None,
) -> Representation:
    """A parent with parental responsibility, from the population register or a birth
    certificate; the other parent is named, and told when they have an account."""
    _require_case_handler(acting_user, person)
    today = timezone.localdate()
    if person.birth_date is None or decides_alone(person, today):
        raise ValidationError(PARENT_ONLY_FOR_CHILDREN, code="adult")
    if basis_kind not in (BasisKind.POPULATION_REGISTER, BasisKind.BIRTH_CERTIFICATE):
        raise ValidationError(PARENT_BASIS, code="basis")
    if not other_parent_name.strip():
        raise ValidationError(BOTH_PARENTS_NAMED, code="other_parent")
    if not document_reference.strip():
        raise ValidationError(REFERENCE_NEEDED, code="reference")
    representation = _create(
        person=person,
        representative=parent,
        kind=Kind.PARENT,
        basis_kind=basis_kind,
        document_reference=document_reference.strip(),
        document=document,
        valid_from=valid_from or person.birth_date,
        valid_until=None,
        acting_user=acting_user,
        other_parent_name=other_parent_name.strip(),
        other_parent=other_parent,
        request=request,
    )
    _tell(representation, "representation_created", also=[parent])
    return representation


@transaction.atomic
def representation_child_welfare_register(
    *,
    person: User,
    caseworker: User,
    document_reference: str,
    decision,
    valid_from: datetime.date,
    acting_user: User,
    request=None,
) -> Representation:
    """The child welfare service has taken over care (the decision is uploaded): its caseworker
    consents for the child from then on, and the parents no longer decide. It ends at the age
    of consent, as a parent's role does."""
    _require_case_handler(acting_user, person)
    if person.birth_date is None or decides_alone(person, timezone.localdate()):
        raise ValidationError(PARENT_ONLY_FOR_CHILDREN, code="adult")
    if not decision:
        raise ValidationError(CARE_ORDER_NEEDED, code="decision")
    if not document_reference.strip():
        raise ValidationError(REFERENCE_NEEDED, code="reference")
    representation = _create(
        person=person,
        representative=caseworker,
        kind=Kind.CHILD_WELFARE,
        basis_kind=BasisKind.CARE_ORDER,
        document_reference=document_reference.strip(),
        document=decision,
        valid_from=valid_from,
        valid_until=None,
        acting_user=acting_user,
        request=request,
    )
    # The parents (in force for the child) are told too: they no longer decide, and who does.
    _tell(representation, "representation_created", also=[caseworker])
    return representation


@transaction.atomic
def representation_guardian_register(
    *,
    person: User,
    guardian: User,
    document_reference: str,
    appointment,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    acting_user: User,
    request=None,
) -> Representation:
    """A verge, from the Statsforvalteren's appointment (vergeoppnevning), which is uploaded."""
    _require_case_handler(acting_user, person)
    if not appointment:
        raise ValidationError(APPOINTMENT_NEEDED, code="appointment")
    if not document_reference.strip():
        raise ValidationError(REFERENCE_NEEDED, code="reference")
    representation = _create(
        person=person,
        representative=guardian,
        kind=Kind.GUARDIAN,
        basis_kind=BasisKind.GUARDIANSHIP_APPOINTMENT,
        document_reference=document_reference.strip(),
        document=appointment,
        valid_from=valid_from,
        valid_until=valid_until,
        acting_user=acting_user,
        request=request,
    )
    _tell(representation, "representation_created", also=[guardian])
    return representation


@transaction.atomic
def representation_proxy_propose(
    *,
    person: User,
    proxy: User,
    document_reference: str = "",
    document=None,
    valid_until: datetime.date | None = None,
    acting_user: User,
    request=None,
) -> Representation:
    """A representative the person asked for; nothing is in force until the person confirms."""
    _require_case_handler(acting_user, person)
    today = timezone.localdate()
    if not decides_alone(person, today):
        raise ValidationError(PROXY_NEEDS_ADULT, code="minor")
    representation = _create(
        person=person,
        representative=proxy,
        kind=Kind.PROXY,
        basis_kind=BasisKind.OWNER_CHOICE,
        document_reference=document_reference.strip(),
        document=document,
        valid_from=today,
        valid_until=valid_until,
        acting_user=acting_user,
        request=request,
    )
    notify_user(
        user=person,
        kind="representation_proposed",
        link=reverse("accounts:profile"),
        dedupe_key=f"representation_proposed:{representation.pk}",
    )
    return representation


@transaction.atomic
def representation_proxy_confirm(
    *, representation: Representation, acting_user: User, request=None
) -> Representation:
    """The person, logged in as themselves and deciding alone, puts their proxy in force."""
    representation = Representation.objects.select_for_update().get(pk=representation.pk)
    if acting_user.pk != representation.person_id:
        raise PermissionDenied(ONLY_THE_PERSON_CONFIRMS)
    if not representation.is_pending:
        raise ValidationError(NOT_PENDING, code="not_pending")
    today = timezone.localdate()
    if not decides_alone(acting_user, today):
        raise PermissionDenied(PROXY_NEEDS_ADULT)
    representation.confirmed_at = timezone.now()
    representation.confirmed_by = acting_user
    representation.valid_from = max(representation.valid_from, today)
    representation.save(update_fields=["confirmed_at", "confirmed_by", "valid_from"])
    security_event_record(
        Event.REPRESENTATION_CONFIRMED,
        user=acting_user,
        actor=acting_user,
        municipality=acting_user.home_municipality,
        request=request,
        detail=f"proxy id={representation.pk}",
    )
    _tell(representation, "representation_created", also=[representation.representative])
    return representation


def may_end(user: User, representation: Representation) -> bool:
    if is_case_handler_for(user, representation.person):
        return True
    return representation.kind == Kind.PROXY and user.pk == representation.person_id


@transaction.atomic
def representation_end(
    *, representation: Representation, acting_user: User, request=None
) -> Representation:
    """Ends a representation at once: the coordinating unit for any kind, the person for a
    representative they chose (or declining one proposed to them)."""
    representation = (
        Representation.objects.select_for_update(of=("self",))
        .select_related("person", "representative", "other_parent")
        .get(pk=representation.pk)
    )
    if not may_end(acting_user, representation):
        raise PermissionDenied(NOT_YOURS_TO_END)
    if representation.ended_at is not None:
        raise ValidationError(ALREADY_ENDED, code="ended")
    representation.ended_at = timezone.now()
    representation.ended_by = acting_user
    representation.save(update_fields=["ended_at", "ended_by"])
    security_event_record(
        Event.REPRESENTATION_ENDED,
        user=representation.person,
        actor=acting_user,
        municipality=representation.person.home_municipality,
        request=request,
        detail=f"{representation.kind} id={representation.pk}",
    )
    _tell(representation, "representation_ended", also=[representation.representative])
    return representation


# --- Reads -------------------------------------------------------------------------------------


def representations_of(person: User):
    """Everyone who acts, acted or is proposed to act for the person, newest first."""
    return Representation.objects.filter(person=person).select_related(
        "representative", "created_by", "confirmed_by", "ended_by"
    )


def representations_by(user: User, *, day: datetime.date | None = None):
    """The people the user acts for now, each with everyone who acts for that person."""
    day = day or timezone.localdate()
    mine = (
        Representation.objects.in_force(day)
        .filter(representative=user)
        .select_related("person", "created_by")
    )
    rows = []
    for representation in mine:
        others = (
            Representation.objects.in_force(day)
            .filter(person_id=representation.person_id)
            .exclude(pk=representation.pk)
            .select_related("representative")
        )
        rows.append((representation, list(others)))
    return rows


def representations_in_municipalities(municipality_ids):
    return (
        Representation.objects.filter(person__home_municipality_id__in=municipality_ids)
        .select_related("person", "representative", "created_by", "ended_by")
        .order_by("ended_at", "-created_at")
    )


# --- A child the parents expect ----------------------------------------------------------------

EXPECTED_CHILD_ONLY = _("Dette gjelder bare et barn som ikke er født ennå.")


@transaction.atomic
def representation_expected_child_register(
    *, child: User, parent: User, other_parent_name: str = "", acting_user: User, request=None
) -> Representation:
    """A parent applying for a barnekoordinator for a child they expect registers themselves
    as its parent: there is nothing yet in the population register to check. The child's
    record is new and empty (no identity number), so this gives nobody access to anything
    but their own application; the coordinating unit confirms the parents from the register
    when it links the record to the child after the birth (representation_birth_confirm)."""
    if child.has_national_id or child.pk == parent.pk:
        raise ValidationError(EXPECTED_CHILD_ONLY, code="born")
    if Representation.objects.filter(
        person=child, representative=parent, kind=Kind.PARENT, ended_at__isnull=True
    ).exists():
        raise ValidationError(ALREADY_REGISTERED, code="exists")
    representation = Representation(
        person=child,
        representative=parent,
        kind=Kind.PARENT,
        basis=str(BasisKind.EXPECTED_CHILD.label),
        basis_kind=BasisKind.EXPECTED_CHILD,
        other_parent_name=other_parent_name.strip()[:150],
        valid_from=timezone.localdate(),
        created_by=acting_user,
    )
    representation.full_clean()
    representation.save()
    security_event_record(
        Event.REPRESENTATION_CREATED,
        user=child,
        actor=acting_user,
        municipality=child.home_municipality,
        request=request,
        detail=f"parent basis=expected_child id={representation.pk}",
    )
    return representation


def representation_birth_confirm(
    *, child: User, document_reference: str, acting_user: User
) -> list[Representation]:
    """When the expected child's record is linked to the child after the birth, the parents
    stated by the applying parent are confirmed from the population register (the caller,
    casework.services.expected, checks who may link and runs in its transaction)."""
    if not document_reference.strip():
        raise ValidationError(REFERENCE_NEEDED, code="reference")
    reps = list(
        Representation.objects.select_for_update().filter(
            person=child, kind=Kind.PARENT, basis_kind=BasisKind.EXPECTED_CHILD
        )
    )
    for rep in reps:
        rep.basis_kind = BasisKind.POPULATION_REGISTER
        rep.document_reference = document_reference.strip()[:100]
        rep.basis = _basis_text(BasisKind.POPULATION_REGISTER, rep.document_reference)
        rep.save(update_fields=["basis_kind", "document_reference", "basis"])
        security_event_record(
            Event.REPRESENTATION_CONFIRMED,
            user=child,
            actor=acting_user,
            municipality=child.home_municipality,
            detail=f"parent basis=population_register id={rep.pk}",
        )
    return reps
