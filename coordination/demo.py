"""Demo data for coordination (run by `manage.py seed_demo` after the plans): meetings and
messages in Ingrid's plan: a past cooperation meeting with approved minutes, the next meeting
in two weeks, a job meeting with NAV that has just taken place (its minutes not yet written),
and a message thread; and Emma's family page, kept by Kari as barnekoordinator.

Everything goes through the services, so letters, notifications and logs are real. Idempotent:
each part is skipped when it is already there.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from consent.policy import people_who_can
from coordination.models import Meeting
from coordination.selectors import invitable_people
from coordination.services.families import family_service_add, family_task_update
from coordination.services.meetings import meeting_create
from coordination.services.messages import message_post, thread_start
from coordination.services.minutes import minutes_approve, minutes_save
from ipplan.democlock import demo_day, demo_moment
from plans.models import Family, Goal, Plan
from plans.sections import Section
from plans.services.family import family_create


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed(stdout) -> None:
    _seed_meetings(stdout)
    _seed_family(stdout)
    _seed_coordination_meeting(stdout)


def _seed_meetings(stdout) -> None:
    plan = Plan.objects.filter(owner__username="innbygger").exclude(status="closed").first()
    if plan is None or Meeting.objects.filter(plan=plan).exists():
        return
    kari = User.objects.get(username="koordinator")
    ingrid = plan.owner
    # The plan's own meetings are for those who follow the meetings; the job meeting at NAV
    # also has NAV's adviser, who may read other parts of the plan but not its meetings.
    people = [p.user.pk for p in people_who_can(plan, Section.MEETINGS)]
    nav = User.objects.get(username="nav")
    with_nav = [p.user.pk for p in invitable_people(plan) if p.user.pk in {*people, nav.pk}]
    past = meeting_create(
        plan=plan,
        title="Oppstartsmøte",
        starts_at=_at(1, 10),
        duration_minutes=90,
        place="Fjordvik rådhus, møterom 2",
        video_link="",
        acting_user=kari,
        agenda=["Ingrids mål", "Hvem gjør hva", "Neste møte"],
        invitee_ids=people,
    )
    # The first meeting was a month ago: moved back in time after the invitations went out.
    Meeting.objects.filter(pk=past.pk).update(starts_at=_at(-30, 10))
    past.refresh_from_db()
    work = Goal.objects.get(plan=plan, title__startswith="Jeg vil tilbake i jobb")
    minutes = minutes_save(
        meeting=past,
        expected_version=None,
        attendee_ids=list(past.invitees.values_list("pk", flat=True)),
        other_attendees="Tor Haugen (ektemann)",
        decisions="Vi starter med 20 prosent i januar.",
        agenda_notes={item.pk: "" for item in past.agenda.all()},
        evaluations={work.pk: (Goal.Status.IN_PROGRESS, "Godt i gang med NAV.")},
        action_points=[],
        acting_user=kari,
    )
    minutes_approve(minutes=minutes, acting_user=kari)
    meeting_create(
        plan=plan,
        title="Evaluering av planen",
        starts_at=_at(14, 13),
        duration_minutes=60,
        place="Fjordvik rådhus",
        video_link="",
        acting_user=kari,
        agenda=["Hvordan går det med målene?", "Opptrapping i jobb"],
        invitee_ids=people,
    )
    # A meeting that has just taken place, with no minutes yet: the coordinator can write them
    # at once (minutes open an hour before a meeting starts).
    held = meeting_create(
        plan=plan,
        title="Samarbeidsmøte om jobb",
        starts_at=_at(1, 9),
        duration_minutes=60,
        place="NAV Fjordvik",
        video_link="",
        acting_user=kari,
        agenda=["Arbeidsutprøving", "Tilrettelegging på arbeidsplassen"],
        invitee_ids=with_nav,
    )
    just_now = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=70)
    Meeting.objects.filter(pk=held.pk).update(starts_at=just_now)
    thread = thread_start(
        plan=plan,
        subject="Før evalueringsmøtet",
        acting_user=kari,
        body="Hei Ingrid! Er det noe du vil vi skal ta opp på møtet?",
    )
    message_post(
        thread=thread,
        acting_user=ingrid,
        body="Ja, jeg vil gjerne snakke om hvor mye hjelp jeg trenger om morgenen.",
    )
    stdout.write(f"Demo meetings and messages in /planer/{plan.pk}/\n")


# The barnekoordinator's tasks for Emma's family, as Kari keeps them: (kind, state, days ago,
# note to the family).
EMMA_TASKS = [
    (
        "information",
        "done",
        -18,
        "Hjemmebesøk: vi gikk gjennom retten til individuell plan, pleiepenger og "
        "hjelpestønad fra NAV, avlastning og pasientorganisasjonen for Emmas diagnose.",
    ),
    (
        "coordination",
        "ongoing",
        -6,
        "Ansvarsgruppemøte med skolen, PPT og BUP er holdt. Neste: felles plan for "
        "skoledagen etter innleggelser.",
    ),
    (
        "specialist",
        "ongoing",
        -3,
        "Jeg har snakket med BUP om når de kan komme på møte i januar, og bedt barneavdelingen "
        "sende epikrisen til fastlegen.",
    ),
    ("plan_progress", "todo", None, ""),
]
EMMA_SERVICES = [
    ("Fjordvik skole", "Trine Aas, kontaktlærer", "99001400", "Tilrettelagt skoledag"),
    ("PP-tjenesten Fjordvik", "Ole Brekke", "99001500", "Sakkyndig vurdering"),
    (
        "Barne- og ungdomspsykiatrisk poliklinikk (BUP)",
        "Dr. Sunniva Lie",
        "99001600",
        "Behandling og veiledning til foreldrene",
    ),
    ("Helsestasjonen", "Helsesykepleier Anne Moe", "", "Oppfølging og vaksiner"),
]


def _seed_family(stdout) -> None:
    """Emma's family: Kari has been barnekoordinator since the coordinating unit's decision
    (casework's demo links the decision to this page), and keeps the page up to date."""
    plan = Plan.objects.filter(owner__username="emma").exclude(status="closed").first()
    if plan is None or Family.objects.filter(child=plan.owner).exists():
        return
    kari = User.objects.get(username="koordinator")
    mona = User.objects.get(username="saksbehandler")
    with demo_day(-19, 14):
        family = family_create(
            child=plan.owner,
            municipality=plan.municipality,
            coordinator=kari,
            expected_on=None,
            plan=plan,
            acting_user=mona,
        )
    for name, contact, phone, role in EMMA_SERVICES:
        with demo_day(-17, 9):
            family_service_add(
                family=family,
                acting_user=kari,
                name=name,
                contact_name=contact,
                phone=phone,
                role=role,
            )
    tasks = {task.kind: task for task in family.tasks.all()}
    for kind, state, days, note in EMMA_TASKS:
        if days is None:
            continue
        with demo_day(days, 15):
            family_task_update(
                task=tasks[kind],
                state=state,
                done_on=demo_moment(days).date(),
                note=note,
                acting_user=kari,
            )
    stdout.write(f"Demo family page (barnekoordinator) for Emma Berg: /familier/{family.pk}/\n")


def _seed_coordination_meeting(stdout) -> None:
    """Sander's coordinator calls school, NAV and his GP to one cooperation meeting, and
    welcomes him in a message."""
    record = (
        Plan.objects.filter(owner__username="sander", kind=Plan.Kind.COORDINATION)
        .exclude(status="closed")
        .first()
    )
    if record is None or Meeting.objects.filter(plan=record).exists():
        return
    kari = User.objects.get(username="koordinator")
    services = ["nav", "laerer", "fastlege"]
    invited = [
        record.owner_id,
        *User.objects.filter(username__in=services).values_list("pk", flat=True),
    ]
    meeting_create(
        plan=record,
        title="Samarbeidsmøte med skole, NAV og fastlege",
        starts_at=_at(6, 15),
        duration_minutes=60,
        place="Fjordvik skole, møterom 1",
        video_link="",
        agenda=["Fravær og tilrettelegging", "Sommerjobb via NAV", "Hvem gjør hva"],
        invitee_ids=invited,
        acting_user=kari,
    )
    thread_start(
        plan=record,
        subject="Velkommen",
        body="Hei Sander! Jeg er koordinatoren din. Skriv her hvis det er noe.",
        acting_user=kari,
    )
    stdout.write(f"Demo cooperation meeting with three services in /planer/{record.pk}/\n")
