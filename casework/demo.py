"""Demo data for the coordinating unit (run by `manage.py seed_demo` after coordination):

- The cases: the decisions Ingrid's and Emma's plans came from, Ole's application that is over
  a month old and owes an interim reply, NAV's referral for Nils, and a case in Bakkeby that
  Fjordvik cannot see. (Lars's complaint about Emma's plan is seeded by complaints.)
- The coordinator registry: Kari trained, Eva not yet, Jon in Bakkeby.
- The archive: Ingrid's decision letter with a recorded receipt from the Noark 5 archive (mode
  Fiks Arkiv, reference 2026/1042-3), whatever IPPLAN_ARCHIVE_MODE says.
- Sander (17): a coordinator without an individual plan, with school, NAV and his GP.

Everything goes through the services, so letters, notifications and logs are real. Idempotent:
each part is skipped when it is already there.
"""

from __future__ import annotations

import datetime
import uuid

from accounts.models import Municipality, StaffMembership, User
from casework.archive import letter_archive
from casework.models import Case, ComplaintRule, CoordinatorProfile, Decision, Letter
from casework.services.cases import assessment_save, case_assign, case_submit, decision_make
from casework.services.expected import expected_child_apply
from ipplan.democlock import demo_day, demo_moment
from plans.models import ArchiveDelivery, Family, Plan


def seed(stdout) -> None:
    _seed_registry()
    _seed_cases(stdout)
    _seed_archive_receipt()
    _seed_coordinator_only(stdout)


DEMO_ARCHIVE_REFERENCE = "2026/1042-3"


def _seed_archive_receipt() -> None:
    """Ingrid's decision letter as the Noark 5 archive received it through Fiks Arkiv: the
    delivery row with a recorded receipt, since no Fiks IO can be reached from a demo. Its Fiks
    message id is all zeros, so a seeded receipt is never mistaken for a real one."""
    letter = (
        Letter.objects.filter(case__person__username="innbygger", kind=Letter.Kind.DECISION)
        .select_related("case__person", "case__municipality", "created_by")
        .first()
    )
    if letter is None or ArchiveDelivery.objects.filter(source=f"letter:{letter.pk}").exists():
        return
    delivery = letter_archive(letter=letter, acting_user=letter.created_by, mode="fiks")
    ArchiveDelivery.objects.filter(pk=delivery.pk).update(
        created_at=letter.created_at,
        next_attempt_at=letter.created_at,
        attempts=1,
        sent_at=letter.created_at + datetime.timedelta(minutes=1),
        fiks_message_id=str(uuid.UUID(int=0)),
        receipt_at=letter.created_at + datetime.timedelta(minutes=3),
        archive_reference=DEMO_ARCHIVE_REFERENCE,
    )


def _seed_registry() -> None:
    profiles = {
        "koordinator": {
            "trained_on": datetime.date(2025, 3, 14),
            "course": "Koordinatoropplæring, Helsedirektoratet (e-læring og samling)",
            "can_be_child_coordinator": True,
        },
        "eva.moen": {"trained_on": None, "course": "", "can_be_child_coordinator": False},
        "koordinator.bakkeby": {
            "trained_on": datetime.date(2024, 10, 2),
            "course": "Koordinatoropplæring, Helsedirektoratet",
            "can_be_child_coordinator": False,
        },
    }
    memberships = StaffMembership.objects.filter(
        user__username__in=profiles, role=StaffMembership.Role.COORDINATOR
    ).select_related("user")
    for membership in memberships:
        CoordinatorProfile.objects.get_or_create(
            user=membership.user,
            municipality_id=membership.municipality_id,
            defaults=profiles[membership.user.username],
        )


def _letters_read(case: Case, *, days: int) -> None:
    """The person opened the case's letters `days` from today."""
    Letter.objects.filter(case=case).update(read_at=demo_moment(days, 18))


def _seed_cases(stdout) -> None:
    fjordvik = Municipality.objects.get(slug="fjordvik")
    if Case.objects.filter(municipality=fjordvik).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "innbygger",
                "venter",
                "foresatt",
                "emma",
                "soker",
                "nils",
                "nav",
                "saksbehandler",
                "koordinator",
                "aud",
                "saksbehandler.bakkeby",
            ]
        )
    }
    mona, kari = users["saksbehandler"], users["koordinator"]
    rule = ComplaintRule.objects.get(code="pbrl-7-5")

    # Ingrid's application, granted; her plan came from this decision.
    with demo_day(-100, 9):
        ingrid = case_submit(
            person=users["innbygger"],
            municipality=fjordvik,
            kind=Case.Kind.APPLICATION,
            acting_user=users["innbygger"],
            wants_plan=True,
            wants_coordinator=True,
            wants_child_coordinator=False,
            needs="Jeg har en sykdom som gjør at jeg trenger mer hjelp over tid. Jeg har mange "
            "å forholde meg til og vil gjerne ha én å spørre.",
            current_services="Hjemmetjenesten, fysioterapi, NAV, fastlegen",
            preferred_coordinator="Kari fra hjemmetjenesten",
            consent_to_contact=True,
        )
    with demo_day(-92, 10):
        case_assign(case=ingrid, to_user=mona, acting_user=mona)
        assessment_save(
            case=ingrid,
            acting_user=mona,
            long_term=True,
            two_or_more_services=True,
            seen_together=True,
            consent_present=True,
            child_under_18=False,
            serious_condition=False,
            parents_want_it=False,
            reasons="Langvarig behov for fire tjenester som må ses i sammenheng.",
        )
    with demo_day(-85, 11):
        decision = decision_make(
            case=ingrid,
            plan_outcome="granted",
            coordinator_outcome="granted",
            child_coordinator_outcome="not_asked",
            facts="Ingrid Haugen har en progressiv sykdom og får hjemmetjenester, fysioterapi, "
            "oppfølging fra NAV og fastlegen.",
            considerations="Behovet er langvarig og gjelder flere tjenester som må ses i "
            "sammenheng. Ønsket om Kari Nilsen som koordinator er tatt med.",
            complaint_rule=rule,
            acting_user=mona,
        )
    plan = Plan.objects.filter(owner=users["innbygger"]).exclude(status="closed").first()
    Decision.objects.filter(pk=decision.pk).update(appointed_coordinator=kari, plan=plan)
    _letters_read(ingrid, days=-84)

    # Emma's: Lars applied for IP and a barnekoordinator; both granted (the barnekoordinator
    # for as long as the conditions are met), and he complained that the plan is not followed.
    with demo_day(-95, 9):
        emma = case_submit(
            person=users["emma"],
            municipality=fjordvik,
            kind=Case.Kind.APPLICATION,
            acting_user=users["foresatt"],
            wants_plan=True,
            wants_coordinator=False,
            wants_child_coordinator=True,
            needs="Emma trenger hjelp fra skolen, PPT og BUP. Vi foreldre bruker mye tid på å "
            "koordinere alt selv.",
            current_services="Fjordvik skole, PP-tjenesten, BUP",
            preferred_coordinator="",
            consent_to_contact=True,
        )
    with demo_day(-20, 11):
        case_assign(case=emma, to_user=mona, acting_user=mona)
        decision_make(
            case=emma,
            plan_outcome="granted",
            coordinator_outcome="not_asked",
            child_coordinator_outcome="granted",
            facts="Emma (10) har en alvorlig, langvarig sykdom og får oppfølging fra skole, PPT "
            "og BUP.",
            considerations="Emma trenger langvarige og koordinerte tjenester, så retten til "
            "individuell plan er oppfylt. Familien har rett til barnekoordinator fordi Emma vil "
            "trenge både helse- og omsorgstjenester og andre velferdstjenester. Retten gjelder så "
            "lenge vilkårene er oppfylt; vi ser på behovet sammen med dere når planen evalueres.",
            complaint_rule=rule,
            acting_user=mona,
        )
    emma_plan = Plan.objects.filter(owner=users["emma"]).exclude(status="closed").first()
    # Kari is the family's barnekoordinator too: the family page (seeded by coordination).
    emma_family = Family.objects.filter(child=users["emma"]).first()
    Decision.objects.filter(case=emma).update(
        appointed_coordinator=kari, plan=emma_plan, family=emma_family
    )
    _letters_read(emma, days=-19)

    # Ole applied five weeks ago and has not had an answer: the queue flags an interim reply.
    with demo_day(-36, 9):
        case_submit(
            person=users["soker"],
            municipality=fjordvik,
            kind=Case.Kind.APPLICATION,
            acting_user=users["soker"],
            wants_plan=True,
            wants_coordinator=True,
            wants_child_coordinator=False,
            needs="Etter hjerneslaget trenger jeg hjelp fra mange, og det er vanskelig å holde "
            "oversikt.",
            current_services="Hjemmetjenesten, rehabilitering, fastlegen",
            consent_to_contact=True,
        )

    # NAV sent a referral for Nils, with his consent.
    with demo_day(-3, 13):
        case_submit(
            person=users["nils"],
            municipality=fjordvik,
            kind=Case.Kind.REFERRAL,
            submitter_role=Case.SubmitterRole.PROFESSIONAL,
            acting_user=users["nav"],
            wants_plan=True,
            wants_coordinator=True,
            wants_child_coordinator=False,
            needs="Nils har sammensatte behov og får tjenester fra flere steder.",
            consent_to_contact=True,
            consent_note="Muntlig samtykke i samtale på NAV-kontoret",
        )

    # Nora expects a child with a heart defect found at the ultrasound; she applied for a
    # barnekoordinator before the birth (no identity number yet, the due date instead).
    with demo_day(-4, 20):
        expected_child_apply(
            parent=users["venter"],
            municipality=fjordvik,
            expected_on=demo_day_date(75),
            other_parent_first_name="Ola",
            other_parent_last_name="Lund",
            needs="Ultralyden viste en alvorlig hjertefeil. Barnet skal opereres rett etter "
            "fødselen og vil trenge oppfølging fra sykehuset, helsestasjonen og senere "
            "barnehagen. Vi vet ikke hvor vi skal begynne.",
            current_services="Jordmor på helsestasjonen, fostermedisinsk poliklinikk",
            preferred_coordinator="Gjerne noen fra helsestasjonen",
            consent_to_contact=True,
            acting_user=users["venter"],
        )

    # A case in Bakkeby: Fjordvik's case handler never sees it.
    bakkeby = Municipality.objects.get(slug="bakkeby")
    with demo_day(-10, 9):
        case_submit(
            person=users["aud"],
            municipality=bakkeby,
            kind=Case.Kind.PAPER,
            acting_user=users["saksbehandler.bakkeby"],
            wants_plan=True,
            wants_coordinator=True,
            wants_child_coordinator=False,
            needs="Søknad på papir om individuell plan.",
            consent_to_contact=True,
        )
    stdout.write("Demo cases for the coordinating unit: /saker/\n")


def demo_day_date(days: int) -> datetime.date:
    return demo_moment(days).date()


def _seed_coordinator_only(stdout) -> None:
    """Sander (17) asked for a coordinator only: school, NAV and his GP follow him up, and the
    unit granted a coordinator without an individual plan (his record: plans, consent and
    coordination demos)."""
    sander = User.objects.get(username="sander")
    if Case.objects.filter(person=sander).exists():
        return
    fjordvik = Municipality.objects.get(slug="fjordvik")
    mona, kari = (
        User.objects.get(username="saksbehandler"),
        User.objects.get(username="koordinator"),
    )
    rule = ComplaintRule.objects.get(code="pbrl-7-5")
    with demo_day(-40, 9):
        case = case_submit(
            person=sander,
            municipality=fjordvik,
            kind=Case.Kind.APPLICATION,
            acting_user=sander,
            wants_plan=False,
            wants_coordinator=True,
            wants_child_coordinator=False,
            needs="Jeg har mye fravær fra skolen og mange å forholde meg til: skolen, NAV og "
            "fastlegen. Jeg vil ha én person å snakke med.",
            current_services="Fjordvik skole, NAV Fjordvik, Fjordvik legesenter",
            preferred_coordinator="",
            consent_to_contact=True,
        )
    with demo_day(-33, 10):
        case_assign(case=case, to_user=mona, acting_user=mona)
        assessment_save(
            case=case,
            acting_user=mona,
            long_term=True,
            two_or_more_services=True,
            seen_together=True,
            consent_present=True,
            child_under_18=True,
            serious_condition=False,
            parents_want_it=False,
            reasons="Sammensatte behov fra tre tjenester som må samordnes. Sander ønsker "
            "koordinator, ikke individuell plan.",
        )
    with demo_day(-30, 11):
        decision = decision_make(
            case=case,
            plan_outcome="not_asked",
            coordinator_outcome="granted",
            child_coordinator_outcome="not_asked",
            facts="Sander Lien (17) får oppfølging fra skolen, NAV og fastlegen.",
            considerations="Sander har behov for sammensatte og koordinerte tjenester. Han har "
            "rett til koordinator selv om han ikke har søkt om individuell plan.",
            complaint_rule=rule,
            acting_user=mona,
        )
    # The record came from this decision (plans/demo.py made it, as for Ingrid and Emma).
    record = Plan.objects.filter(owner=sander).exclude(status="closed").first()
    Decision.objects.filter(pk=decision.pk).update(appointed_coordinator=kari, plan=record)
    _letters_read(case, days=-28)
    stdout.write(f"Demo coordinator-only case for {sander.display_name}: /saker/{case.pk}/\n")
