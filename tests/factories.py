"""Plain rows for tests. Grants, consent and plan writes go through services instead, so that
permissions and the access log stay consistent."""

from __future__ import annotations

import datetime
import itertools

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts import national_id
from accounts.models import Municipality, Organisation, Representation, StaffMembership, User
from accounts.validators import organisation_number_from_base
from plans.models import Plan

PASSWORD = "correct-horse-battery-staple"
_org_numbers = itertools.count(10000001)
_individuals = itertools.count(100)


def valid_org_number() -> str:
    while True:
        try:
            return organisation_number_from_base(f"{next(_org_numbers):08d}")
        except ValueError:
            continue


def synthetic_national_id(birth_date: datetime.date) -> str:
    # The individual number gives the century: 000-499 for 1900-1999, 500-999 for 2000-2039.
    base = 500 if birth_date.year >= 2000 else 0
    while True:
        value = national_id.build(birth_date, base + next(_individuals) % 500, synthetic=True)
        if value and national_id.parse(value, allow_synthetic=True).birth_date == birth_date:
            return value


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    slug = factory.Sequence(lambda n: f"testkommune-{n}")
    municipality_number = factory.Sequence(lambda n: f"{8000 + n}")
    organisation_number = factory.LazyFunction(valid_org_number)
    coordinating_unit_name = "Koordinerende enhet"
    address = "Postboks 1"
    postal_code = "9999"
    postal_town = "Testby"
    phone = "99999999"
    email = factory.LazyAttribute(lambda o: f"ke@{o.slug}.example")
    complaint_address = "Koordinerende enhet\nPostboks 1\n9999 Testby"
    county_governor = "Statsforvalteren i Test"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Tjeneste {n}")
    kind = Organisation.Kind.HOME_CARE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


def with_national_id(user: User, birth_date: datetime.date) -> User:
    user.set_national_id(synthetic_national_id(birth_date))
    user.save()
    return user


def with_totp(user: User) -> str:
    """Enrol the user in TOTP and return the secret (tests compute codes from it)."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def staff(role: str, municipality: Municipality, *, organisation=None, mfa=True, **kwargs) -> User:
    user = UserFactory(**kwargs)
    StaffMembership.objects.create(
        user=user, municipality=municipality, role=role, organisation=organisation
    )
    if mfa:
        with_totp(user)
    return user


BASIS_BY_KIND = {
    Representation.Kind.PARENT: Representation.BasisKind.POPULATION_REGISTER,
    Representation.Kind.GUARDIAN: Representation.BasisKind.GUARDIANSHIP_APPOINTMENT,
    Representation.Kind.PROXY: Representation.BasisKind.OWNER_CHOICE,
    Representation.Kind.CHILD_WELFARE: Representation.BasisKind.CARE_ORDER,
}


def represent(person: User, representative: User, kind=Representation.Kind.PARENT) -> None:
    """A representation in force (a proxy already confirmed by the person), as a fixture; the
    services in accounts/representations.py are tested on their own."""
    Representation.objects.create(
        person=person,
        representative=representative,
        kind=kind,
        basis="Foreldreansvar",
        basis_kind=BASIS_BY_KIND[kind],
        valid_from=datetime.date(2000, 1, 1),
        confirmed_at=timezone.now() if kind == Representation.Kind.PROXY else None,
        confirmed_by=person if kind == Representation.Kind.PROXY else None,
    )


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    municipality = factory.SubFactory(MunicipalityFactory)
    owner = factory.SubFactory(UserFactory)
    status = Plan.Status.ACTIVE
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2027, 12, 31)
    next_evaluation = datetime.date(2027, 3, 1)


def has_mfa(user: User) -> bool:
    return Authenticator.objects.filter(user=user).exists()
