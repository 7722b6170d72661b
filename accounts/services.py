"""Writes on people, roles and representation. Every function names the acting user."""

from __future__ import annotations

import datetime
import secrets
import uuid

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from accounts.models import (
    AccountSetupCode,
    Municipality,
    Organisation,
    SecurityEvent,
    SetupCodeException,
    StaffMembership,
    User,
)
from accounts.roles import forget_roles, user_roles
from accounts.security import security_event_record
from ipplan import ratelimit

Kind = SecurityEvent.Kind
Role = StaffMembership.Role


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
SETUP_CODE_ADULT_AGE = 18
SETUP_CODE_EXCEPTION_DAYS = 14
SETUP_CODE_INVALID = _(
    "Brukernavnet eller engangskoden stemmer ikke, eller koden er brukt eller utløpt. "
    "Be koordinatoren om en ny kode."
)
SETUP_CODE_HAS_LOGIN = _(
    "Personen kan allerede logge inn (med passord, ID-porten eller totrinnsinnlogging). "
    "Engangskode lages bare for den som ikke har noen måte å logge inn på. Har personen "
    "glemt passordet, kan hun eller han selv be om et nytt på innloggingssiden."
)
SETUP_CODE_STAFF = _("Ansatte med en rolle i kommunen får ikke engangskode.")
SETUP_CODE_INACTIVE = _("Brukeren er deaktivert.")
SETUP_CODE_ADULT_NEEDS_EXCEPTION = _(
    "Personen er voksen og skal logge inn med ID-porten. Engangskode for en voksen kan bare "
    "lages som et dokumentert unntak som en saksbehandler i koordinerende enhet har godkjent."
)
SETUP_CODE_EXCEPTION_NOT_ALLOWED = _(
    "Bare en saksbehandler i koordinerende enhet i personens kommune kan godkjenne et unntak."
)
SETUP_CODE_EXCEPTION_REASON_NEEDED = _(
    "Skriv hvorfor personen ikke kan bruke ID-porten (minst 20 tegn)."
)
SETUP_CODE_EXCEPTION_REASON_MIN_LENGTH = 20


def _code_digest(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return crypto.digest(f"setup-code:{normalised}")


def user_has_login(user: User) -> bool:
    """Can this account log in already: a usable password, an ID-porten link or a second
    factor? Then nobody may make a credential for it on its owner's behalf."""
    return (
        user.has_usable_password()
        or SocialAccount.objects.filter(user=user).exists()
        or Authenticator.objects.filter(user=user).exists()
    )


def _is_staff_account(user: User) -> bool:
    return user.is_staff or user.is_superuser or user.memberships.filter(is_active=True).exists()


def _open_exception(user: User) -> SetupCodeException | None:
    return (
        SetupCodeException.objects.filter(
            person=user, used_at__isnull=True, valid_until__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


def setup_code_refusal(*, user: User) -> str | None:
    """Why no set-up code may be made for `user` now, or None if one may: only for a person
    with no way to log in yet, a child, or an adult with an approved exception."""
    if not user.is_active:
        return SETUP_CODE_INACTIVE
    if _is_staff_account(user):
        return SETUP_CODE_STAFF
    if user_has_login(user):
        return SETUP_CODE_HAS_LOGIN
    age = user.age_on(timezone.localdate())
    if (age is None or age >= SETUP_CODE_ADULT_AGE) and _open_exception(user) is None:
        return SETUP_CODE_ADULT_NEEDS_EXCEPTION
    return None


def setup_code_create(*, user: User, acting_user: User, request=None) -> str:
    """A new one-time code for `user` (earlier unused codes stop working). Shown once, to be
    handed over in person. Refused (ValidationError, and a security event) for anyone who can
    log in already, and for an adult without an approved exception; who may ask (the plan's
    coordinator) is the caller's check."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        refusal = setup_code_refusal(user=user) if user.pk != acting_user.pk else SETUP_CODE_STAFF
        if refusal is None:
            return _setup_code_issue(user=user, acting_user=acting_user, request=request)
    security_event_record(
        Kind.SETUP_CODE_DENIED, user=user, actor=acting_user, request=request, detail="create"
    )
    raise ValidationError(refusal, code="refused")


def staff_setup_code_create(*, user: User, acting_user: User, request=None) -> str:
    """The first login of a new staff member, whom an administrator has just created: a code
    for their work e-mail, so that they choose their own password and second factor. Only
    while the account has no way to log in, and never for the administrator themselves; that
    the acting user administers the staff member's municipality is the caller's check."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            refusal = SETUP_CODE_INACTIVE
        elif user.pk == acting_user.pk or user_has_login(user):
            refusal = SETUP_CODE_HAS_LOGIN
        else:
            return _setup_code_issue(
                user=user, acting_user=acting_user, request=request, needs_exception=False
            )
    security_event_record(
        Kind.SETUP_CODE_DENIED, user=user, actor=acting_user, request=request, detail="staff"
    )
    raise ValidationError(refusal, code="refused")


def _setup_code_issue(*, user: User, acting_user: User, request, needs_exception=True) -> str:
    AccountSetupCode.objects.filter(user=user, used_at__isnull=True).update(
        expires_at=timezone.now()
    )
    exception = None
    age = user.age_on(timezone.localdate())
    if needs_exception and (age is None or age >= SETUP_CODE_ADULT_AGE):
        exception = _open_exception(user)
        exception.used_at = timezone.now()
        exception.save(update_fields=["used_at"])
    raw = "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(12))
    AccountSetupCode.objects.create(
        user=user,
        code_digest=_code_digest(raw),
        created_by=acting_user,
        expires_at=timezone.now() + datetime.timedelta(days=SETUP_CODE_DAYS),
        exception=exception,
    )
    security_event_record(
        Kind.SETUP_CODE_CREATED,
        user=user,
        actor=acting_user,
        request=request,
        detail=f"exception #{exception.pk}" if exception else "",
    )
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def setup_code_redeem(*, username: str, code: str, password: str, request=None) -> User:
    """The person chooses a password with the code; a second factor is required next. The
    caller logs them in through allauth's login stages.

    A wrong code counts against the code (and is saved even though the call fails): after
    SETUP_CODE_MAX_ATTEMPTS the code stops working, so it cannot be guessed. A code stops
    working too if the account got a way to log in after it was made (it never replaces a
    password, an ID-porten link or a second factor); the answer is the same as for a wrong
    code."""
    detail = ""
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(username__iexact=username.strip(), is_active=True)
            .first()
        )
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
        if matches and user_has_login(user):
            detail = "account has a login"
            setup.used_at = timezone.now()
            setup.save(update_fields=["used_at"])
        elif matches:
            validate_password(password, user)
            user.set_password(password)
            user.mfa_required = True
            user.save(update_fields=["password", "mfa_required"])
            setup.used_at = timezone.now()
            setup.save(update_fields=["used_at"])
            security_event_record(Kind.SETUP_CODE_REDEEMED, user=user, request=request)
            return user
    security_event_record(Kind.SETUP_CODE_REFUSED, user=user, request=request, detail=detail)
    raise ValidationError(SETUP_CODE_INVALID, code="invalid")


@transaction.atomic
def setup_code_exception_approve(
    *, person: User, reason: str, acting_user: User, request=None
) -> SetupCodeException:
    """A case handler in the person's municipality approves, with a reason, that the
    coordinator may make a set-up code for an adult who cannot use ID-porten."""
    municipality = person.home_municipality
    if (
        municipality is None
        or acting_user.pk == person.pk
        or not user_roles(acting_user).has(Role.CASE_HANDLER, municipality.pk)
    ):
        raise PermissionDenied(SETUP_CODE_EXCEPTION_NOT_ALLOWED)
    reason = reason.strip()
    if len(reason) < SETUP_CODE_EXCEPTION_REASON_MIN_LENGTH:
        raise ValidationError({"reason": SETUP_CODE_EXCEPTION_REASON_NEEDED})
    if user_has_login(person) or _is_staff_account(person):
        raise ValidationError(SETUP_CODE_HAS_LOGIN, code="has_login")
    exception = SetupCodeException.objects.create(
        person=person,
        municipality=municipality,
        approved_by=acting_user,
        reason=reason,
        valid_until=timezone.now() + datetime.timedelta(days=SETUP_CODE_EXCEPTION_DAYS),
    )
    # The reason stays in its row: it may say something about the person's health.
    security_event_record(
        Kind.SETUP_CODE_APPROVED,
        user=person,
        actor=acting_user,
        municipality=municipality,
        request=request,
        detail=f"exception #{exception.pk}",
    )
    return exception


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
