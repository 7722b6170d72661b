"""Demo municipalities, services and one login per role (run by `manage.py seed_demo`).

Identity numbers are synthetic (Skatteetaten's Tenor series, month + 80): they can never
belong to a real person, and they are refused in production.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts import national_id
from accounts.models import (
    ContactRegistryEntry,
    Municipality,
    Organisation,
    Representation,
    StaffMembership,
    User,
)
from accounts.validators import organisation_number_from_base

DEMO_PASSWORD = "demo-ipplan-2026"  # noqa: S105 (printed for the demo; refused in production)
Role = StaffMembership.Role
Kind = Organisation.Kind

MUNICIPALITIES = {
    "fjordvik": {
        "name": "Fjordvik kommune",
        "municipality_number": "9901",
        "organisation_number": organisation_number_from_base("99990101"),
        "coordinating_unit_name": "Koordinerende enhet, Tildelingskontoret",
        "address": "Postboks 100",
        "postal_code": "9990",
        "postal_town": "Fjordvik",
        "phone": "99001000",
        "email": "koordinerende.enhet@fjordvik.kommune.example",
        "complaint_address": "Fjordvik kommune\nKoordinerende enhet, Tildelingskontoret\n"
        "Postboks 100\n9990 Fjordvik",
        "county_governor": "Statsforvalteren i Nordland",
    },
    "bakkeby": {
        "name": "Bakkeby kommune",
        "municipality_number": "9902",
        "organisation_number": organisation_number_from_base("99990202"),
        "coordinating_unit_name": "Koordinerende enhet, Helse og omsorg",
        "address": "Rådhusveien 2",
        "postal_code": "9991",
        "postal_town": "Bakkeby",
        "phone": "99002000",
        "email": "ke@bakkeby.kommune.example",
        "complaint_address": "Bakkeby kommune\nKoordinerende enhet, Helse og omsorg\n"
        "Rådhusveien 2\n9991 Bakkeby",
        "county_governor": "Statsforvalteren i Troms og Finnmark",
    },
}

ORGANISATIONS = {
    "fjordvik": [
        ("Hjemmetjenesten Fjordvik", Kind.HOME_CARE, "99001100"),
        ("NAV Fjordvik", Kind.NAV, "55553333"),
        ("Fysioterapitjenesten", Kind.PHYSIOTHERAPY, "99001200"),
        ("Fjordvik legesenter", Kind.GP, "99001300"),
        ("Fjordvik skole", Kind.SCHOOL, "99001400"),
        ("PP-tjenesten Fjordvik", Kind.PPT, "99001500"),
        ("Barne- og ungdomspsykiatrisk poliklinikk (BUP)", Kind.SPECIALIST, "99001600"),
        ("Koordinerende enhet, Tildelingskontoret", Kind.COORDINATING_UNIT, "99001000"),
        ("Solsiden barnehage", Kind.KINDERGARTEN, "99001700"),
        ("Helsestasjonen Fjordvik", Kind.HEALTH_CENTRE, "99001800"),
    ],
    "bakkeby": [
        ("Hjemmetjenesten Bakkeby", Kind.HOME_CARE, "99002100"),
        ("NAV Bakkeby", Kind.NAV, "55554444"),
    ],
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    description: str
    municipality: str
    role: str | None = None
    organisation: str | None = None
    title: str = ""
    birth_date: datetime.date | None = None
    individual: int = 0
    can_log_in: bool = True
    email: str = ""


USERS = [
    DemoUser(
        "innbygger",
        "Ingrid",
        "Haugen",
        "Innbygger og planeier (voksen)",
        "fjordvik",
        birth_date=datetime.date(1979, 4, 12),
        individual=214,
        email="ingrid.haugen@example.org",
    ),
    DemoUser(
        "foresatt",
        "Lars",
        "Berg",
        "Foresatt for Emma (10 år) og Jakob (6 år)",
        "fjordvik",
        birth_date=datetime.date(1985, 9, 3),
        individual=318,
    ),
    DemoUser(
        "venter",
        "Nora",
        "Lund",
        "Venter barn, har søkt om barnekoordinator",
        "fjordvik",
        birth_date=datetime.date(1993, 5, 2),
        individual=622,
        email="nora.lund@example.org",
    ),
    DemoUser(
        "emma",
        "Emma",
        "Berg",
        "Barn med plan (logger ikke inn)",
        "fjordvik",
        birth_date=datetime.date(2016, 2, 20),
        individual=512,
        can_log_in=False,
    ),
    DemoUser(
        "mina",
        "Mina",
        "Dahl",
        "Ungdom (13 år) med plan; ser «Min plan»",
        "fjordvik",
        birth_date=datetime.date(2013, 5, 14),
        individual=576,
    ),
    DemoUser(
        "foresatt.mina",
        "Tone",
        "Dahl",
        "Foresatt for Mina (13 år)",
        "fjordvik",
        birth_date=datetime.date(1984, 11, 2),
        individual=442,
    ),
    DemoUser(
        "koordinator",
        "Kari",
        "Nilsen",
        "Koordinator",
        "fjordvik",
        Role.COORDINATOR,
        "Hjemmetjenesten Fjordvik",
        "Sykepleier",
        email="kari.nilsen@fjordvik.example",
    ),
    DemoUser(
        "nav",
        "Per",
        "Hansen",
        "Tjenesteyter, NAV",
        "fjordvik",
        Role.PROFESSIONAL,
        "NAV Fjordvik",
        "Veileder",
        email="per.hansen@nav.example",
    ),
    DemoUser(
        "laerer",
        "Sara",
        "Ali",
        "Tjenesteyter, skole",
        "fjordvik",
        Role.PROFESSIONAL,
        "Fjordvik skole",
        "Kontaktlærer",
        email="sara.ali@fjordvik-skole.example",
    ),
    DemoUser(
        "barnehage",
        "Tone",
        "Lund",
        "Tjenesteyter, barnehage (ga Jakobs stafettlogg videre til skolen)",
        "fjordvik",
        Role.PROFESSIONAL,
        "Solsiden barnehage",
        "Pedagogisk leder",
        email="tone.lund@solsiden-barnehage.example",
    ),
    DemoUser(
        "jakob",
        "Jakob",
        "Berg",
        "Barn med stafettlogg, Emmas lillebror (logger ikke inn)",
        "fjordvik",
        birth_date=datetime.date(2020, 9, 14),
        individual=611,
        can_log_in=False,
    ),
    DemoUser(
        "fastlege",
        "Berit",
        "Lund",
        "Tjenesteyter, fastlege",
        "fjordvik",
        Role.PROFESSIONAL,
        "Fjordvik legesenter",
        "Fastlege",
        email="berit.lund@fjordvik-legesenter.example",
    ),
    DemoUser(
        "sander",
        "Sander",
        "Lien",
        "Innbygger med koordinator uten individuell plan (17 år)",
        "fjordvik",
        birth_date=datetime.date(2009, 5, 14),
        individual=377,
        email="sander.lien@example.org",
    ),
    DemoUser(
        "saksbehandler",
        "Mona",
        "Lie",
        "Saksbehandler, koordinerende enhet",
        "fjordvik",
        Role.CASE_HANDLER,
        "Koordinerende enhet, Tildelingskontoret",
        "Rådgiver",
    ),
    DemoUser(
        "admin",
        "Ahmed",
        "Karimi",
        "Administrator",
        "fjordvik",
        Role.ADMINISTRATOR,
        title="Systemansvarlig",
    ),
    DemoUser(
        "soker",
        "Ole",
        "Strand",
        "Innbygger som har søkt om plan (saken er under behandling)",
        "fjordvik",
        birth_date=datetime.date(1962, 11, 5),
        individual=401,
        email="ole.strand@example.org",
    ),
    DemoUser(
        "nils",
        "Nils",
        "Berntsen",
        "Person NAV har sendt melding om behov for (logger ikke inn)",
        "fjordvik",
        birth_date=datetime.date(1958, 6, 30),
        individual=455,
        can_log_in=False,
    ),
    DemoUser(
        "eva.moen",
        "Eva",
        "Moen",
        "Koordinator uten fullført opplæring (logger ikke inn)",
        "fjordvik",
        Role.COORDINATOR,
        "Fysioterapitjenesten",
        "Fysioterapeut",
        can_log_in=False,
    ),
    DemoUser(
        "saksbehandler.bakkeby",
        "Hilde",
        "Aas",
        "Saksbehandler i en annen kommune",
        "bakkeby",
        Role.CASE_HANDLER,
        title="Saksbehandler",
    ),
    DemoUser(
        "aud",
        "Aud",
        "Nygård",
        "Søker i en annen kommune (logger ikke inn)",
        "bakkeby",
        birth_date=datetime.date(1990, 1, 17),
        individual=233,
        can_log_in=False,
    ),
    DemoUser(
        "koordinator.bakkeby",
        "Jon",
        "Dahl",
        "Koordinator i en annen kommune",
        "bakkeby",
        Role.COORDINATOR,
        "Hjemmetjenesten Bakkeby",
        "Vernepleier",
    ),
]


def _synthetic_national_id(birth_date: datetime.date, start: int) -> str:
    for individual in range(start, start + 50):
        value = national_id.build(birth_date, individual, synthetic=True)
        if value:
            return value
    raise ValueError(f"no valid synthetic number near {birth_date} {start}")


def ensure_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def seed(stdout) -> None:
    municipalities = {}
    for key, fields in MUNICIPALITIES.items():
        municipalities[key], _ = Municipality.objects.update_or_create(slug=key, defaults=fields)
    organisations = {}
    for key, rows in ORGANISATIONS.items():
        for name, kind, phone in rows:
            organisations[name], _ = Organisation.objects.update_or_create(
                municipality=municipalities[key], name=name, defaults={"kind": kind, "phone": phone}
            )

    users = {}
    for spec in USERS:
        user, _ = User.objects.get_or_create(username=spec.username)
        user.first_name, user.last_name, user.email = spec.first_name, spec.last_name, spec.email
        user.home_municipality = municipalities[spec.municipality]
        user.is_active = True
        if spec.birth_date:
            user.set_national_id(_synthetic_national_id(spec.birth_date, spec.individual))
        if spec.can_log_in:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
        if spec.role:
            StaffMembership.objects.update_or_create(
                user=user,
                municipality=municipalities[spec.municipality],
                role=spec.role,
                defaults={
                    "organisation": organisations.get(spec.organisation),
                    "title": spec.title,
                    "is_active": True,
                },
            )
            ensure_totp(user)
        users[spec.username] = user

    # Emma's father, as the coordinating unit registered him from the population register
    # (a demo row; in use this goes through accounts.representations).
    Representation.objects.update_or_create(
        person=users["emma"],
        representative=users["foresatt"],
        kind=Representation.Kind.PARENT,
        ended_at=None,
        defaults={
            "basis": "Folkeregisteret: demo-oppslag",
            "basis_kind": Representation.BasisKind.POPULATION_REGISTER,
            "document_reference": "Folkeregisteret, demo-oppslag",
            "other_parent_name": "Mari Berg",
            "created_by": users["saksbehandler"],
            "valid_from": users["emma"].birth_date,
        },
    )

    # Nils has reserved himself against digital communication in KRR: the case page tells
    # staff to use paper, and his letters go to the print queue. (A demo row standing for
    # KRR's answer; with IPPLAN_KRR_URL set, KRR's own answer replaces it.)
    ContactRegistryEntry.objects.update_or_create(
        user=users["nils"],
        defaults={
            "status": ContactRegistryEntry.Status.ACTIVE,
            "reserved": True,
            "can_notify": False,
            "checked_at": timezone.now(),
        },
    )

    # Jakob has the same father (his relay log: plans.demo and consent.demo).
    Representation.objects.update_or_create(
        person=users["jakob"],
        representative=users["foresatt"],
        kind=Representation.Kind.PARENT,
        ended_at=None,
        defaults={
            "basis": "Folkeregisteret: demo-oppslag",
            "basis_kind": Representation.BasisKind.POPULATION_REGISTER,
            "document_reference": "Folkeregisteret, demo-oppslag",
            "other_parent_name": "Mari Berg",
            "created_by": users["saksbehandler"],
            "valid_from": users["jakob"].birth_date,
        },
    )

    # Mina's mother, registered the same way.
    Representation.objects.update_or_create(
        person=users["mina"],
        representative=users["foresatt.mina"],
        kind=Representation.Kind.PARENT,
        ended_at=None,
        defaults={
            "basis": "Folkeregisteret: demo-oppslag",
            "basis_kind": Representation.BasisKind.POPULATION_REGISTER,
            "document_reference": "Folkeregisteret, demo-oppslag",
            "created_by": users["saksbehandler"],
            "valid_from": users["mina"].birth_date,
        },
    )

    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})\n")
    for spec in USERS:
        if spec.can_log_in:
            mfa = f"  + TOTP: manage.py demo_totp {spec.username}" if spec.role else ""
            stdout.write(f"  {spec.username:<22} {spec.description}{mfa}\n")
