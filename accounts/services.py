"""Writes on people, roles and representation. Every function names the acting user."""

from __future__ import annotations

import datetime
import secrets
import uuid

from allauth.usersessions.models import UserSession
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from accounts.models import (
    AccountSetupCode,
    Municipality,
    Organisation,
    Representation,
    SecurityEvent,
    StaffMembership,
    User,
)
from accounts.roles import forget_roles
from accounts.security import security_event_record
from ipplan import ratelimit

Kind = SecurityEvent.Kind


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
    security_event_record(Kind.USER_CREATED, user=user, actor=acting_user)
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
    security_event_record(
        Kind.ROLE_GRANTED,
        user=user,
        actor=acting_user,
        municipality=municipality,
        detail=role,
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
    security_event_record(Kind.USER_DEACTIVATED, user=user, actor=acting_user)


NAME_NEEDED = _("Skriv personens fornavn og etternavn.")


def person_find_or_register(
    *,
    national_id: str,
    first_name: str,
    last_name: str,
    municipality: Municipality,
    acting_user: User,
) -> User:
    """The person with this identity number, or a new person without a login (a citizen who
    has not logged in yet, or a small child). Their first ID-porten login links to the row.

    No oracle: the caller's rate limit is counted before the number is looked up, and the
    name is asked for whether or not the number is known, so the answer is the same either
    way. The count stays outside the transaction so a refused attempt still counts."""
    ratelimit.hit("person_lookup", acting_user.pk)
    if not (first_name.strip() and last_name.strip()):
        raise ValidationError(NAME_NEEDED, code="name_needed")
    return _person_find_or_create(
        national_id=national_id,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        municipality=municipality,
        acting_user=acting_user,
    )


@transaction.atomic
def _person_find_or_create(*, national_id, first_name, last_name, municipality, acting_user):
    existing = User.objects.filter(national_id_digest=crypto.digest(national_id)).first()
    if existing is not None:
        return existing
    return user_create(
        username=f"person-{uuid.uuid4().hex[:12]}",
        first_name=first_name,
        last_name=last_name,
        national_id=national_id,
        home_municipality=municipality,
        acting_user=acting_user,
    )


USERNAME_TAKEN = _("Brukernavnet er opptatt. Velg et annet.")
SETUP_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
SETUP_CODE_DAYS = 14
SETUP_CODE_MAX_ATTEMPTS = 5
SETUP_CODE_INVALID = _(
    "Brukernavnet eller engangskoden stemmer ikke, eller koden er brukt eller utløpt. "
    "Be koordinatoren om en ny kode."
)


def _code_digest(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return crypto.digest(f"setup-code:{normalised}")


@transaction.atomic
def setup_code_create(*, user: User, acting_user: User) -> str:
    """A new one-time code for `user` (earlier unused codes stop working). Shown once, to be
    handed over in person; the permission check is the caller's (the plan's coordinator)."""
    AccountSetupCode.objects.filter(user=user, used_at__isnull=True).update(
        expires_at=timezone.now()
    )
    raw = "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(12))
    AccountSetupCode.objects.create(
        user=user,
        code_digest=_code_digest(raw),
        created_by=acting_user,
        expires_at=timezone.now() + datetime.timedelta(days=SETUP_CODE_DAYS),
    )
    security_event_record(Kind.SETUP_CODE_CREATED, user=user, actor=acting_user)
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def setup_code_redeem(*, username: str, code: str, password: str) -> User:
    """The person chooses a password with the code; a second factor is required next.

    A wrong code counts against the code (and is saved even though the call fails): after
    SETUP_CODE_MAX_ATTEMPTS the code stops working, so it cannot be guessed."""
    with transaction.atomic():
        user = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
        setup = None
        if user is not None:
            setup = (
                AccountSetupCode.objects.select_for_update()
                .filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
                .order_by("-created_at")
                .first()
            )
        usable = setup is not None and setup.failed_attempts < SETUP_CODE_MAX_ATTEMPTS
        matches = usable and secrets.compare_digest(setup.code_digest, _code_digest(code))
        if usable and not matches:
            setup.failed_attempts += 1
            setup.save(update_fields=["failed_attempts"])
        if matches:
            validate_password(password, user)
            user.set_password(password)
            user.mfa_required = True
            user.save(update_fields=["password", "mfa_required"])
            setup.used_at = timezone.now()
            setup.save(update_fields=["used_at"])
            security_event_record(Kind.SETUP_CODE_REDEEMED, user=user)
            return user
    security_event_record(Kind.SETUP_CODE_REFUSED, user=user)
    raise ValidationError(SETUP_CODE_INVALID, code="invalid")


@transaction.atomic
def local_account_create(
    *, username: str, email: str, first_name: str, last_name: str, password: str
) -> User:
    """A participant's own local account, from an invitation; a second factor is required."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": USERNAME_TAKEN})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        mfa_required=True,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    security_event_record(Kind.USER_CREATED, user=user, detail="invitation")
    return user
