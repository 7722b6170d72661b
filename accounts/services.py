"""Writes on people, roles and representation. Every function names the acting user."""

from __future__ import annotations

import datetime
import logging
import uuid

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from accounts.models import Municipality, Organisation, Representation, StaffMembership, User
from accounts.roles import forget_roles

security_log = logging.getLogger("ipplan.security")


@transaction.atomic
def user_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    national_id: str | None = None,
    birth_date: datetime.date | None = None,
    password: str | None = None,
    home_municipality: Municipality | None = None,
    acting_user: User | None = None,
) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        birth_date=birth_date,
        home_municipality=home_municipality,
    )
    if national_id:
        user.set_national_id(national_id)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    security_log.info(
        "user created user_id=%s by=%s", user.pk, getattr(acting_user, "pk", "system")
    )
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    municipality: Municipality,
    role: str,
    organisation: Organisation | None = None,
    title: str = "",
    acting_user: User | None = None,
) -> StaffMembership:
    membership, _ = StaffMembership.objects.update_or_create(
        user=user,
        municipality=municipality,
        role=role,
        defaults={"organisation": organisation, "title": title, "is_active": True},
    )
    membership.full_clean()
    forget_roles(user)
    security_log.info(
        "role granted role=%s municipality=%s user_id=%s by=%s",
        role,
        municipality.pk,
        user.pk,
        getattr(acting_user, "pk", "system"),
    )
    return membership


@transaction.atomic
def representation_create(
    *,
    person: User,
    representative: User,
    kind: str,
    basis: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    acting_user: User | None = None,
) -> Representation:
    representation = Representation(
        person=person,
        representative=representative,
        kind=kind,
        basis=basis,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    representation.full_clean()
    representation.save()
    return representation


@transaction.atomic
def user_deactivate(*, user: User, acting_user: User) -> None:
    """Deactivation ends every open session of the user at once."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_sessions = list(UserSession.objects.filter(user=user))
    Session.objects.filter(session_key__in=[s.session_key for s in user_sessions]).delete()
    UserSession.objects.filter(pk__in=[s.pk for s in user_sessions]).delete()
    security_log.warning("user deactivated user_id=%s by=%s", user.pk, acting_user.pk)


NAME_NEEDED_FOR_NEW_PERSON = _(
    "Vi fant ingen med dette fødselsnummeret. Skriv fornavn og etternavn, så registreres personen."
)


@transaction.atomic
def person_find_or_register(
    *,
    national_id: str,
    first_name: str,
    last_name: str,
    municipality: Municipality,
    acting_user: User,
) -> User:
    """The person with this identity number, or a new person without a login (a citizen who
    has not logged in yet, or a small child). Their first ID-porten login links to the row."""
    existing = User.objects.filter(national_id_digest=crypto.digest(national_id)).first()
    if existing is not None:
        return existing
    if not (first_name.strip() and last_name.strip()):
        raise ValidationError(NAME_NEEDED_FOR_NEW_PERSON, code="name_needed")
    username = f"person-{uuid.uuid4().hex[:12]}"
    return user_create(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        national_id=national_id,
        home_municipality=municipality,
        acting_user=acting_user,
    )
