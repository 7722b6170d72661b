"""Who a user is in the system: staff roles per municipality, representation, MFA status.

Read once per request and cached on the user object, so that middleware, the access policy
and templates do not query again. consent/policy.py builds every access rule on these facts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from accounts.models import Representation, StaffMembership, User

Role = StaffMembership.Role
_CACHE_ATTR = "_ipplan_roles"


@dataclass(frozen=True)
class UserRoles:
    # municipality id -> set of roles held there
    by_municipality: dict[int, frozenset[str]] = field(default_factory=dict)
    organisation_ids: frozenset[int] = frozenset()
    # (municipality id, role) -> the name of the service the role is held in, for the log
    services: dict[tuple[int, str], str] = field(default_factory=dict)

    def service_name(self, role: str, municipality_id: int) -> str:
        return self.services.get((municipality_id, role), "")

    @property
    def is_staff_member(self) -> bool:
        return bool(self.by_municipality)

    def has(self, role: str, municipality_id: int | None = None) -> bool:
        if municipality_id is not None:
            return role in self.by_municipality.get(municipality_id, ())
        return any(role in roles for roles in self.by_municipality.values())

    def municipalities_with(self, role: str) -> frozenset[int]:
        return frozenset(m for m, roles in self.by_municipality.items() if role in roles)

    @property
    def municipality_ids(self) -> frozenset[int]:
        return frozenset(self.by_municipality)


def user_roles(user: User) -> UserRoles:
    """The user's active staff roles; one query, then cached on the user object."""
    if not user.is_authenticated:
        return UserRoles()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    by_municipality: dict[int, set[str]] = {}
    organisations: set[int] = set()
    services: dict[tuple[int, str], str] = {}
    rows = StaffMembership.objects.filter(user=user, is_active=True).values_list(
        "municipality_id", "role", "organisation_id", "organisation__name"
    )
    for municipality_id, role, organisation_id, organisation_name in rows:
        by_municipality.setdefault(municipality_id, set()).add(role)
        if organisation_id:
            organisations.add(organisation_id)
            services.setdefault((municipality_id, role), organisation_name)
    roles = UserRoles(
        by_municipality={m: frozenset(r) for m, r in by_municipality.items()},
        organisation_ids=frozenset(organisations),
        services=services,
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


def forget_roles(user: User) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_requires_mfa(user: User) -> bool:
    """Staff of any kind, anyone who can use Django's admin, and people with a local account
    in place of ID-porten (children, invited participants) must use a second factor."""
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or user.mfa_required or user_roles(user).is_staff_member
    )


def user_has_mfa(user: User) -> bool:
    cached = getattr(user, "_ipplan_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exists()
        user._ipplan_has_mfa = cached
    return cached


def decides_alone(person: User, day: datetime.date) -> bool:
    """From the age of consent a person decides; an unknown age counts as adult."""
    return person.birth_date is None or person.birth_date <= consent_age_cutoff(day)


def represented_people_ids(user: User, *, on: datetime.date | None = None) -> frozenset[int]:
    """Ids of the people this user may currently act for (as parent, verge or proxy)."""
    if not user.is_authenticated:
        return frozenset()
    day = on or timezone.localdate()
    cache_key = f"_ipplan_represented_{day.isoformat()}"
    cached = getattr(user, cache_key, None)
    if cached is None:
        adapt = connection.ops.adapt_datefield_value
        with connection.cursor() as cursor:
            cursor.execute(
                _REPRESENTED_SQL,
                {
                    "representative": user.pk,
                    "day": adapt(day),
                    "proxy": Representation.Kind.PROXY,
                    "parent": Representation.Kind.PARENT,
                    "consent_cutoff": adapt(consent_age_cutoff(day)),
                    "child_welfare": Representation.Kind.CHILD_WELFARE,
                    "care_cutoff": adapt(care_age_cutoff(day)),
                },
            )
            cached = frozenset(person_id for (person_id,) in cursor.fetchall())
        setattr(user, cache_key, cached)
    return cached


# represented_people_ids' query written out: Representation.objects.in_force(day), the user's
# own, less parent_role_has_ended(day). Building it with the ORM cost more CPU than running it
# on every page that checks access (issue 14); tests/test_representations.py holds the two to
# the same people. A birth date that is not known never ends a role (as the ORM's exclude).
_REPRESENTED_SQL = """
SELECT r.person_id FROM accounts_representation r JOIN accounts_user p ON p.id = r.person_id
WHERE r.representative_id = %(representative)s AND r.ended_at IS NULL
  AND r.valid_from <= %(day)s AND (r.valid_until IS NULL OR r.valid_until >= %(day)s)
  AND NOT (r.kind = %(proxy)s AND r.confirmed_at IS NULL)
  AND NOT (p.birth_date IS NOT NULL AND (
    (r.kind = %(parent)s AND p.birth_date <= %(consent_cutoff)s)
    OR (r.kind = %(child_welfare)s AND p.birth_date <= %(care_cutoff)s)))
"""


def consent_age_cutoff(day: datetime.date) -> datetime.date:
    """People born on or before this date have reached the age of consent on `day`."""
    age = settings.IPPLAN_AGE_OF_CONSENT
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February
        return day.replace(year=day.year - age, day=28)


# The child welfare service's care lasts until the child comes of age at 18 (a care order
# lapses then); what follows after that only with the young person's consent (the legal
# reference "aftercare").
CARE_ENDS_AT_AGE = 18


def care_age_cutoff(day: datetime.date) -> datetime.date:
    """People born on or before this date are 18 (the care has ended) on `day`."""
    try:
        return day.replace(year=day.year - CARE_ENDS_AT_AGE)
    except ValueError:  # 29 February
        return day.replace(year=day.year - CARE_ENDS_AT_AGE, day=28)


def parent_role_has_ended(day: datetime.date) -> Q:
    """A parent acts for a child in health matters only until the child reaches the age of
    consent (16 under the health law; a setting); from then on the young person decides. The
    child welfare service, where it has taken over care, keeps its role as carer until the
    child is 18 (it no longer consents from the age of consent: the `deciding` rule in
    consent.policy). A verge, and a representative the person chose, keep acting for them."""
    return Q(kind=Representation.Kind.PARENT, person__birth_date__lte=consent_age_cutoff(day)) | Q(
        kind=Representation.Kind.CHILD_WELFARE, person__birth_date__lte=care_age_cutoff(day)
    )


def administered_municipality_ids(user: User) -> frozenset[int] | None:
    """Municipalities whose services and staff the user administers; None means all (superuser)."""
    if user.is_superuser:
        return None
    return user_roles(user).municipalities_with(Role.ADMINISTRATOR)
