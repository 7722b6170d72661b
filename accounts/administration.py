"""What a municipal administrator does: staff users and their roles, and the municipality's
services. Only within the municipalities they administer, and never citizens: no national
identity numbers, no passwords, no representations (those are accounts/representations.py,
for the coordinating unit and the person).

Every role given or taken away is a row in the security log with who did it, so the staff
pages can show who granted and revoked each role, and when.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, SecurityEvent, StaffMembership, User
from accounts.notifications import notify
from accounts.roles import forget_roles, user_roles
from accounts.security import security_event_record
from accounts.services import membership_grant, staff_setup_code_create, user_create

Role = StaffMembership.Role
Event = SecurityEvent.Kind

NOT_YOUR_MUNICIPALITY = _("Du administrerer ikke denne kommunen.")
NOT_STAFF_HERE = _("Du kan bare gi roller til ansatte i kommunen du administrerer.")
NOT_YOUR_OWN_ROLES = _("Du kan ikke endre dine egne roller. Be en annen administrator.")
SERVICE_IN_OTHER_MUNICIPALITY = _("Tjenesten hører til en annen kommune enn rollen.")
ROLE_ALREADY_REVOKED = _("Rollen er allerede fjernet.")
EMAIL_NEEDED = _("Skriv jobb-e-posten. Lenken for å velge passord sendes dit.")


def administered_ids(user: User) -> frozenset[int]:
    """The municipalities the user administers in the app (superusers use the Django admin)."""
    return user_roles(user).municipalities_with(Role.ADMINISTRATOR)


def administered_ids_or_404(user: User) -> frozenset[int]:
    ids = administered_ids(user)
    if not ids:
        raise Http404
    return ids


def _require_admin(acting_user: User, municipality_id: int) -> None:
    if municipality_id not in administered_ids(acting_user):
        raise PermissionDenied(NOT_YOUR_MUNICIPALITY)


def _check_organisation(organisation: Organisation | None, municipality: Municipality) -> None:
    if organisation is not None and organisation.municipality_id != municipality.pk:
        raise ValidationError(SERVICE_IN_OTHER_MUNICIPALITY, code="organisation")


# --- Reads -------------------------------------------------------------------------------------


def staff_in(municipality_ids) -> QuerySet[User]:
    """People holding (or having held) a role in these municipalities, with those roles."""
    memberships = (
        StaffMembership.objects.filter(municipality_id__in=municipality_ids)
        .select_related("municipality", "organisation")
        .order_by("-is_active", "municipality__name", "role")
    )
    return (
        User.objects.filter(memberships__municipality_id__in=municipality_ids)
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="roles_here"))
        .order_by("last_name", "first_name", "pk")
    )


def staff_member_or_404(*, acting_user: User, user_id: int) -> User:
    """A staff member of a municipality the acting user administers; 404 for anyone else,
    citizens included."""
    ids = administered_ids_or_404(acting_user)
    user = staff_in(ids).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def role_history(*, user: User, municipality_ids) -> QuerySet[SecurityEvent]:
    """Who granted and revoked the user's roles in these municipalities, and when."""
    return (
        SecurityEvent.objects.filter(
            user=user,
            kind__in=[Event.ROLE_GRANTED, Event.ROLE_REVOKED],
            municipality_id__in=municipality_ids,
        )
        .select_related("actor", "municipality")
        .order_by("-at", "-pk")
    )


def role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code


def organisations_in(municipality_ids) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(municipality_id__in=municipality_ids)
        .select_related("municipality")
        .order_by("-is_active", "municipality__name", "name")
    )


def organisation_or_404(*, acting_user: User, organisation_id: int) -> Organisation:
    organisation = organisations_in(administered_ids_or_404(acting_user)).filter(pk=organisation_id)
    found = organisation.first()
    if found is None:
        raise Http404
    return found


# --- Staff and roles -----------------------------------------------------------------------


@transaction.atomic
def staff_user_create(
    *,
    municipality: Municipality,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    role: str,
    organisation: Organisation | None = None,
    title: str = "",
    acting_user: User,
) -> User:
    """A new staff member without a password: a one-time link goes to their work e-mail, where
    they choose their own password and then set up a second factor. The administrator never
    sees or chooses the password or the code."""
    _require_admin(acting_user, municipality.pk)
    _check_organisation(organisation, municipality)
    if not email.strip():
        raise ValidationError(EMAIL_NEEDED, code="email")
    user = user_create(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email.strip(),
        phone=phone,
        acting_user=acting_user,
    )
    user.mfa_required = True
    user.save(update_fields=["mfa_required"])
    membership_grant(
        user=user,
        municipality=municipality,
        role=role,
        organisation=organisation,
        title=title,
        acting_user=acting_user,
    )
    code = staff_setup_code_create(user=user, acting_user=acting_user)
    link = (
        reverse("accounts:activate") + "?" + urlencode({"brukernavn": user.username, "kode": code})
    )
    notify(kind="account_setup", user=user, link=link, secret_link=True)
    return user


@transaction.atomic
def role_grant(
    *,
    user: User,
    municipality: Municipality,
    role: str,
    organisation: Organisation | None = None,
    title: str = "",
    acting_user: User,
) -> StaffMembership:
    """Give a staff member of the administrator's municipality a role there. Not to oneself,
    and not to a citizen: only to someone who already holds or held a role here."""
    _require_admin(acting_user, municipality.pk)
    if user.pk == acting_user.pk:
        raise PermissionDenied(NOT_YOUR_OWN_ROLES)
    if not StaffMembership.objects.filter(
        user=user, municipality_id__in=administered_ids(acting_user)
    ).exists():
        raise PermissionDenied(NOT_STAFF_HERE)
    _check_organisation(organisation, municipality)
    return membership_grant(
        user=user,
        municipality=municipality,
        role=role,
        organisation=organisation,
        title=title,
        acting_user=acting_user,
    )


@transaction.atomic
def role_revoke(*, membership: StaffMembership, acting_user: User) -> StaffMembership:
    """Take a role away; it stops working on the user's very next request."""
    membership = StaffMembership.objects.select_for_update().get(pk=membership.pk)
    _require_admin(acting_user, membership.municipality_id)
    if membership.user_id == acting_user.pk:
        raise PermissionDenied(NOT_YOUR_OWN_ROLES)
    if not membership.is_active:
        raise ValidationError(ROLE_ALREADY_REVOKED, code="revoked")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    forget_roles(membership.user)
    security_event_record(
        Event.ROLE_REVOKED,
        user=membership.user,
        actor=acting_user,
        municipality=membership.municipality,
        detail=membership.role,
    )
    return membership


# --- Services and organisations ---------------------------------------------------------------


ORGANISATION_FIELDS = ("name", "kind", "phone", "email")


@transaction.atomic
def organisation_create(
    *, municipality: Municipality, name: str, kind: str, phone: str, email: str, acting_user: User
) -> Organisation:
    _require_admin(acting_user, municipality.pk)
    organisation = Organisation(
        municipality=municipality, name=name, kind=kind, phone=phone, email=email
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, acting_user: User, **fields) -> Organisation:
    _require_admin(acting_user, organisation.municipality_id)
    for name in ORGANISATION_FIELDS:
        if name in fields:
            setattr(organisation, name, fields[name])
    organisation.full_clean()
    organisation.save(update_fields=list(ORGANISATION_FIELDS))
    return organisation


@transaction.atomic
def municipality_routines_update(
    *, municipality: Municipality, relay_log_own_consent: bool, acting_user: User
) -> Municipality:
    """The municipality's own routines that ipplan follows (who consents to a relay log)."""
    _require_admin(acting_user, municipality.pk)
    municipality.relay_log_own_consent = relay_log_own_consent
    municipality.save(update_fields=["relay_log_own_consent"])
    return municipality


@transaction.atomic
def organisation_set_active(
    *, organisation: Organisation, is_active: bool, acting_user: User
) -> Organisation:
    """Deactivate (or reactivate) a service: it stays on old plans but is no longer offered."""
    _require_admin(acting_user, organisation.municipality_id)
    organisation.is_active = is_active
    organisation.save(update_fields=["is_active"])
    return organisation


# --- Retention --------------------------------------------------------------------------------

RETENTION_LOG_SHORTER = _(
    "Tilgangsloggen må beholdes minst like lenge som arbeidskopien, så personen kan se hvem "
    "som har lest planen."
)


@transaction.atomic
def retention_update(
    *, municipality: Municipality, working_copy_months: int, access_log_months: int, acting_user
) -> Municipality:
    """The municipality's retention periods (months after closing); written to the security
    log with the old and new values, so a shortened period is never silent."""
    _require_admin(acting_user, municipality.pk)
    if access_log_months < working_copy_months:
        raise ValidationError(RETENTION_LOG_SHORTER, code="access_log_months")
    before = (municipality.working_copy_retention_months, municipality.access_log_retention_months)
    municipality.working_copy_retention_months = working_copy_months
    municipality.access_log_retention_months = access_log_months
    municipality.full_clean()
    municipality.save(
        update_fields=["working_copy_retention_months", "access_log_retention_months"]
    )
    security_event_record(
        Event.RETENTION_CHANGED,
        actor=acting_user,
        municipality=municipality,
        detail=f"working copy {before[0]}->{working_copy_months} months, "
        f"access log {before[1]}->{access_log_months} months",
    )
    return municipality
