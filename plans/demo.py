"""Two realistic demo plans (run by `manage.py seed_demo` after accounts.demo).

Ingrid (47) lives at home with a progressive illness and wants to return to work part-time;
Emma (10) has a plan with school, PPT and the child psychiatric outpatient clinic (BUP), her
father Lars acts for her. Everything is written through the services, as a coordinator would,
so the history and the access log are as in real use. Idempotent: an existing open plan for
the person is left as it is. The consent, activation and grants follow in consent/demo.py.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Municipality, Organisation, User
from plans.models import Goal, Measure, Participant, Plan
from plans.services.goals import goal_create
from plans.services.lifecycle import about_me_update, plan_create, plan_update_details
from plans.services.measures import measure_create
from plans.services.notes import note_create
from plans.services.participants import cooperation_create, participant_add
from plans.services.relay import relay_log_create
from plans.services.withheld import item_withhold_decide


def _org(municipality, name):
    return Organisation.objects.get(municipality=municipality, name=name)


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def seed(stdout) -> None:
    fjordvik = Municipality.objects.get(slug="fjordvik")
    coordinator = User.objects.get(username="koordinator")
    for owner_username, build in (
        ("innbygger", _adult_plan),
        ("emma", _child_plan),
        ("mina", _teen_plan),
    ):
        owner = User.objects.get(username=owner_username)
        if Plan.objects.filter(owner=owner).exclude(status=Plan.Status.CLOSED).exists():
            continue
        plan = plan_create(
            owner=owner,
            coordinator=coordinator,
            municipality=fjordvik,
            period_start=_days(-80),
            period_end=_days(285),
            next_evaluation=_days(83),
            acting_user=coordinator,
        )
        build(plan, fjordvik, coordinator)
        stdout.write(f"Demo plan for {owner.display_name}: /planer/{plan.pk}/\n")
    jakob = User.objects.get(username="jakob")
    if not Plan.objects.filter(owner=jakob).exists():
        plan = _relay_log(jakob, fjordvik, User.objects.get(username="barnehage"))
        stdout.write(f"Demo relay log for {jakob.display_name}: /planer/{plan.pk}/\n")
    _coordination_record(stdout, fjordvik, coordinator)


def _coordination_record(stdout, fjordvik: Municipality, kari: User) -> None:
    """Sander (17) has a coordinator without an individual plan (casework/demo.py has the
    decision): the services around him and their contact people, and a first note."""
    sander = User.objects.get(username="sander")
    if Plan.objects.filter(owner=sander).exclude(status=Plan.Status.CLOSED).exists():
        return
    record = plan_create(
        owner=sander,
        coordinator=kari,
        municipality=fjordvik,
        kind=Plan.Kind.COORDINATION,
        acting_user=kari,
    )
    services = {
        "nav": ("NAV Fjordvik", "Veileder", "Oppfølging av ungdom og sommerjobb."),
        "laerer": ("Fjordvik skole", "Kontaktlærer", "Tilrettelegging og fraværsoppfølging."),
        "fastlege": ("Fjordvik legesenter", "Fastlege", "Helsesjekk og henvisninger."),
    }
    for username, (org, title, contribution) in services.items():
        user = User.objects.get(username=username)
        participant_add(
            plan=record,
            acting_user=kari,
            user=user,
            name=user.display_name,
            role=Participant.Role.SERVICE_PROVIDER,
            organisation=_org(fjordvik, org),
            title=title,
            phone=_org(fjordvik, org).phone,
            contribution=contribution,
        )
    cooperation_create(
        plan=record,
        with_whom="Oppfølgingstjenesten (videregående)",
        description="Overgang fra ungdomsskole til videregående til høsten.",
        acting_user=kari,
    )
    note_create(
        plan=record,
        text="Første samtale med Sander. Han vil helst ha møter etter skoletid.",
        noted_on=timezone.localdate(),
        acting_user=kari,
    )
    stdout.write(
        f"Demo coordinator without a plan for {sander.display_name}: /planer/{record.pk}/\n"
    )


def _participants(plan, coordinator, people):
    made = {}
    for key, fields in people.items():
        made[key] = participant_add(plan=plan, acting_user=coordinator, **fields)
    return made


def _measure(plan, coordinator, goal, **fields):
    return measure_create(plan=plan, goal=goal, acting_user=coordinator, **fields)


def _adult_plan(plan: Plan, fjordvik: Municipality, kari: User) -> None:
    about_me_update(
        plan=plan,
        expected_version=1,
        acting_user=kari,
        what_matters="Å bo hjemme i huset vårt, være sammen med Tor og barna, og kjenne at jeg "
        "er til nytte. Turene med hunden, Luna, er det beste på dagen.",
        resources="Jeg er strukturert og liker å planlegge. Tor jobber hjemmefra to dager i "
        "uka. Jeg har en arbeidsgiver som vil ha meg tilbake.",
        needs="Hjelp om morgenen på dårlige dager, trening for å holde meg i gang, og hjelp til "
        "å komme tilbake i jobb i et tempo jeg tåler. Jeg blir fort sliten.",
        language_culture="Norsk. Jeg vil helst ha avtaler før klokka 14, da er jeg mest opplagt.",
    )
    p = _participants(
        plan,
        kari,
        {
            "kari": {
                "user": kari,
                "name": kari.display_name,
                "role": Participant.Role.COORDINATOR,
                "organisation": _org(fjordvik, "Hjemmetjenesten Fjordvik"),
                "title": "Sykepleier",
                "phone": "99001100",
                "contribution": "Koordinerer planen og hjemmetjenesten.",
            },
            "per": {
                "user": User.objects.get(username="nav"),
                "name": "Per Hansen",
                "role": Participant.Role.SERVICE_PROVIDER,
                "organisation": _org(fjordvik, "NAV Fjordvik"),
                "title": "Veileder",
                "phone": "55553333",
                "contribution": "Arbeidsrettet oppfølging og kontakt med arbeidsgiver.",
            },
            "liv": {
                "name": "Liv Aas",
                "role": Participant.Role.SERVICE_PROVIDER,
                "organisation": _org(fjordvik, "Fysioterapitjenesten"),
                "title": "Fysioterapeut",
                "phone": "99001200",
                "contribution": "Treningsprogram og vurdering av hjelpemidler.",
            },
            "jonas": {
                "name": "Jonas Moe",
                "role": Participant.Role.SERVICE_PROVIDER,
                "organisation": _org(fjordvik, "Fjordvik legesenter"),
                "title": "Fastlege",
                "contribution": "Medisinsk oppfølging og kontakt med spesialisthelsetjenesten.",
            },
            "tor": {
                "name": "Tor Haugen",
                "role": Participant.Role.RELATIVE,
                "title": "Ektemann",
                "phone": "41234567",
                "contribution": "Handler og kjører til avtaler.",
            },
        },
    )
    home = goal_create(
        plan=plan,
        acting_user=kari,
        title="Jeg vil klare meg selv hjemme, også på dårlige dager",
        status=Goal.Status.IN_PROGRESS,
    )
    shower = goal_create(
        plan=plan,
        acting_user=kari,
        parent=home,
        title="Komme meg trygt inn og ut av dusjen",
        status=Goal.Status.ACHIEVED,
    )
    work = goal_create(
        plan=plan,
        acting_user=kari,
        title="Jeg vil tilbake i jobb, 50 prosent, innen sommeren",
        status=Goal.Status.IN_PROGRESS,
        target_date=_days(220),
    )
    walk = goal_create(
        plan=plan,
        acting_user=kari,
        title="Jeg vil gå tur med Luna hver dag",
        status=Goal.Status.IN_PROGRESS,
    )
    morning = _measure(
        plan,
        kari,
        home,
        title="Hjelp til morgenstell",
        scope="Tre morgener i uka, 45 minutter",
        how="Hjemmetjenesten kommer mandag, onsdag og fredag. Ingrid sier fra dagen før hvis "
        "hun trenger hjelp en annen dag.",
        organisation=_org(fjordvik, "Hjemmetjenesten Fjordvik"),
        responsible=p["kari"],
        start_date=_days(-70),
        deadline=_days(200),
        status=Measure.Status.ONGOING,
    )
    _measure(
        plan,
        kari,
        shower,
        title="Dusjkrakk og støttehåndtak på badet",
        how="Fysioterapeut vurderte badet; hjelpemidlene er levert og montert.",
        organisation=_org(fjordvik, "Fysioterapitjenesten"),
        responsible=p["liv"],
        start_date=_days(-60),
        deadline=_days(-20),
        status=Measure.Status.COMPLETED,
    )
    _measure(
        plan,
        kari,
        home,
        title="Lage middag til to dager av gangen på gode dager",
        is_own_contribution=True,
        performed_by="Ingrid",
        scope="Når jeg er i form",
        how="Jeg lager dobbel porsjon og fryser ned.",
        status=Measure.Status.ONGOING,
    )
    follow_up = _measure(
        plan,
        kari,
        work,
        title="Arbeidsrettet oppfølging og plan for gradvis opptrapping",
        scope="Samtale hver fjerde uke",
        how="Per og Ingrid lager en opptrappingsplan sammen med arbeidsgiver: 20 prosent fra "
        "januar, 50 prosent fra april.",
        organisation=_org(fjordvik, "NAV Fjordvik"),
        responsible=p["per"],
        start_date=_days(-50),
        deadline=_days(-3),
        status=Measure.Status.ONGOING,
    )
    _measure(
        plan,
        kari,
        work,
        title="Holde kontakt med arbeidsgiver hver 14. dag",
        is_own_contribution=True,
        performed_by="Ingrid",
        status=Measure.Status.ONGOING,
        how="En telefon eller kaffe med lederen min annenhver fredag.",
    )
    training = _measure(
        plan,
        kari,
        walk,
        title="Treningsprogram for balanse og utholdenhet",
        scope="To ganger i uka",
        how="Trening hos fysioterapeut én gang, hjemme én gang.",
        organisation=_org(fjordvik, "Fysioterapitjenesten"),
        responsible=p["liv"],
        start_date=_days(-40),
        deadline=_days(140),
        status=Measure.Status.ONGOING,
    )
    _measure(
        plan,
        kari,
        walk,
        title="Medisinsk oppfølging",
        scope="Hver tredje måned",
        how="Kontroll hos fastlegen; fastlegen sender henvisning ved behov.",
        organisation=_org(fjordvik, "Fjordvik legesenter"),
        responsible=p["jonas"],
        deadline=_days(60),
        status=Measure.Status.PLANNED,
    )
    cooperation_create(
        plan=plan,
        acting_user=kari,
        with_whom="Nevrologisk poliklinikk",
        description="Felles oppfølging av medisiner og nye symptomer med fastlegen.",
    )
    cooperation_create(
        plan=plan,
        acting_user=kari,
        with_whom="Arbeidsgiver",
        description="Tilrettelegging av arbeidsplassen og arbeidstid.",
    )
    note_create(
        plan=plan,
        measure=morning,
        noted_on=_days(-30),
        acting_user=kari,
        text="Ingrid trenger mindre hjelp enn ved oppstart. Vi beholder tre dager, men "
        "kortere besøk.",
    )
    note_create(
        plan=plan,
        measure=training,
        noted_on=_days(-12),
        acting_user=kari,
        text="Liv melder at Ingrid går lenger turer nå, opp mot 40 minutter.",
    )
    note_create(
        plan=plan,
        measure=follow_up,
        noted_on=_days(-5),
        acting_user=kari,
        text="Møte med arbeidsgiver er utsatt til over nyttår.",
    )


def _child_plan(plan: Plan, fjordvik: Municipality, kari: User) -> None:
    about_me_update(
        plan=plan,
        expected_version=1,
        acting_user=kari,
        what_matters="Emma: Å ha en venn å være med i friminuttene. Hesten Bella på stallen. "
        "Pappa og lillebror Jakob.",
        resources="Emma er nysgjerrig, glad i dyr og flink til å tegne. Pappa følger tett opp.",
        needs="Trygghet på skolen, hjelp med lesing og noen å snakke med når det blir vanskelig.",
        language_culture="Norsk. Emma vil helst at voksne snakker med henne, ikke bare om henne.",
    )
    p = _participants(
        plan,
        kari,
        {
            "sara": {
                "user": User.objects.get(username="laerer"),
                "name": "Sara Ali",
                "role": Participant.Role.SERVICE_PROVIDER,
                "organisation": _org(fjordvik, "Fjordvik skole"),
                "title": "Kontaktlærer",
                "contribution": "Daglig oppfølging på skolen og tilrettelagt undervisning.",
            },
            "ppt": {
                "name": "Hanne Vik",
                "role": Participant.Role.SERVICE_PROVIDER,
                "organisation": _org(fjordvik, "PP-tjenesten Fjordvik"),
                "title": "Rådgiver",
                "contribution": "Sakkyndig vurdering og råd til skolen.",
            },
            "bup": {
                "name": "Nils Strand",
                "role": Participant.Role.SERVICE_PROVIDER,
                "organisation": _org(fjordvik, "Barne- og ungdomspsykiatrisk poliklinikk (BUP)"),
                "title": "Psykolog",
                "contribution": "Samtaler med Emma og veiledning av pappa.",
            },
            "lars": {
                "user": User.objects.get(username="foresatt"),
                "name": "Lars Berg",
                "role": Participant.Role.GUARDIAN,
                "title": "Pappa",
                "contribution": "Leser med Emma hver kveld og holder kontakt med skolen.",
            },
        },
    )
    friends = goal_create(
        plan=plan,
        acting_user=kari,
        title="Jeg vil ha noen å være sammen med i friminuttene",
        status=Goal.Status.IN_PROGRESS,
    )
    reading = goal_create(
        plan=plan,
        acting_user=kari,
        title="Jeg vil lese bøker om hester selv",
        status=Goal.Status.IN_PROGRESS,
        target_date=_days(200),
    )
    _measure(
        plan,
        kari,
        friends,
        title="Fast voksen i friminuttene",
        scope="Alle friminutt",
        how="En voksen Emma kjenner er ute og hjelper med å komme inn i lek.",
        organisation=_org(fjordvik, "Fjordvik skole"),
        responsible=p["sara"],
        start_date=_days(-80),
        deadline=_days(200),
        status=Measure.Status.ONGOING,
    )
    _measure(
        plan,
        kari,
        friends,
        title="Samtaler om venner og følelser",
        scope="Hver 14. dag",
        organisation=_org(fjordvik, "Barne- og ungdomspsykiatrisk poliklinikk (BUP)"),
        responsible=p["bup"],
        start_date=_days(-60),
        deadline=_days(120),
        how="Samtaler på BUP; pappa får veiledning etterpå.",
        status=Measure.Status.ONGOING,
    )
    _measure(
        plan,
        kari,
        reading,
        title="Individuell opplæringsplan i norsk (IOP)",
        how="PPT har gjort sakkyndig vurdering; skolen følger IOP med lesetrening i små grupper.",
        organisation=_org(fjordvik, "PP-tjenesten Fjordvik"),
        responsible=p["ppt"],
        deadline=_days(30),
        status=Measure.Status.ONGOING,
    )
    _measure(
        plan,
        kari,
        reading,
        title="Lese 15 minutter hver kveld med pappa",
        is_own_contribution=True,
        performed_by="Emma og pappa",
        how="Emma velger bok selv; pappa leser annenhver side.",
        status=Measure.Status.ONGOING,
    )
    cooperation_create(
        plan=plan,
        acting_user=kari,
        with_whom="Skole, PPT og BUP",
        description="Felles møte hvert halvår om tilrettelegging på skolen.",
    )
    note_create(
        plan=plan,
        goal=friends,
        noted_on=_days(-10),
        acting_user=kari,
        text="Sara forteller at Emma har begynt å leke med to jenter fra klassen.",
    )


def _relay_log(jakob: User, fjordvik: Municipality, tone: User) -> Plan:
    """Jakob (6) got a relay log at kindergarten when his speech and play worried the staff;
    the health station and the speech therapist came in, and this autumn the baton goes to
    his teacher at school (consent.demo: his father consents, Tone hands it on, Sara takes
    over, and Tone keeps read access to goals and measures through the first term)."""
    plan = relay_log_create(owner=jakob, municipality=fjordvik, acting_user=tone)
    # Started at kindergarten in the spring; evaluated together after the first school term.
    plan_update_details(
        plan=plan,
        expected_version=plan.version,
        period_start=_days(-240),
        period_end=None,
        next_evaluation=_days(40),
        acting_user=tone,
    )
    about_me_update(
        plan=plan,
        expected_version=1,
        acting_user=tone,
        what_matters="Jakob: Lego, fotball med storesøster Emma og å få være med når de "
        "andre leker. Pappa: at Jakob blir forstått og får venner på skolen.",
        resources="Jakob er blid, tålmodig med yngre barn og glad i å bygge. Pappa og Emma "
        "leser og spiller spill med ham hjemme.",
        needs="Barnehagen er bekymret for språket: Jakob blir lite forstått av andre barn og "
        "trekker seg fra leken. Han blir lett sliten i store grupper.",
        language_culture="Norsk.",
    )
    p = _participants(
        plan,
        tone,
        {
            "tone": {
                "user": tone,
                "name": "Tone Lund",
                "role": Participant.Role.SERVICE_PROVIDER,
                "organisation": _org(fjordvik, "Solsiden barnehage"),
                "title": "Pedagogisk leder",
                "contribution": "Startet stafettloggen og fulgte Jakob opp i barnehagen.",
            },
            "sara": {
                "user": User.objects.get(username="laerer"),
                "name": "Sara Ali",
                "role": Participant.Role.SERVICE_PROVIDER,
                "organisation": _org(fjordvik, "Fjordvik skole"),
                "title": "Kontaktlærer",
                "contribution": "Følger Jakob opp på skolen fra 1. klasse.",
            },
            "nurse": {
                "name": "Liv Eide",
                "role": Participant.Role.SERVICE_PROVIDER,
                "organisation": _org(fjordvik, "Helsestasjonen Fjordvik"),
                "title": "Helsesykepleier",
                "contribution": "Språkkartlegging og kontakt med logoped.",
            },
            "lars": {
                "user": User.objects.get(username="foresatt"),
                "name": "Lars Berg",
                "role": Participant.Role.GUARDIAN,
                "title": "Pappa",
                "contribution": "Øver på lydene med Jakob hjemme.",
            },
        },
    )
    talk = goal_create(
        plan=plan,
        acting_user=tone,
        title="Jakob blir forstått når han forteller noe",
        status=Goal.Status.IN_PROGRESS,
    )
    play = goal_create(
        plan=plan,
        acting_user=tone,
        title="Jakob er med i leken sammen med andre barn",
        status=Goal.Status.IN_PROGRESS,
    )
    _measure(
        plan,
        tone,
        talk,
        title="Språkgruppe to ganger i uken",
        bti_level=Measure.BtiLevel.TWO_SERVICES,
        how="Små grupper med lek og samtale. Startet i barnehagen, fortsetter på skolen.",
        organisation=_org(fjordvik, "Fjordvik skole"),
        responsible=p["sara"],
        start_date=_days(-210),
        deadline=_days(40),
        status=Measure.Status.ONGOING,
    )
    _measure(
        plan,
        tone,
        talk,
        title="Kartlegging av språket og henvisning til logoped",
        bti_level=Measure.BtiLevel.TWO_SERVICES,
        organisation=_org(fjordvik, "Helsestasjonen Fjordvik"),
        responsible=p["nurse"],
        start_date=_days(-240),
        deadline=_days(-150),
        status=Measure.Status.COMPLETED,
    )
    _measure(
        plan,
        tone,
        play,
        title="Fast voksen som hjelper Jakob inn i leken",
        bti_level=Measure.BtiLevel.ONE_SERVICE,
        how="Det samme som virket i barnehagen: en voksen han kjenner, i små grupper.",
        organisation=_org(fjordvik, "Fjordvik skole"),
        responsible=p["sara"],
        start_date=_days(-120),
        deadline=_days(40),
        status=Measure.Status.ONGOING,
    )
    _measure(
        plan,
        tone,
        talk,
        title="Øve på lydene fem minutter hver kveld",
        is_own_contribution=True,
        performed_by="Jakob og pappa",
        start_date=_days(-150),
        status=Measure.Status.ONGOING,
    )
    for days, goal, text in (
        (-240, talk, "Samtale med pappa om bekymringen og om stafettlogg."),
        (-150, talk, "Helsestasjonen har kartlagt språket; logoped er kontaktet."),
        (-60, play, "Overføringsmøte med skolen: det som virker i barnehagen, tas med."),
    ):
        note_create(plan=plan, goal=goal, noted_on=_days(days), acting_user=tone, text=text)
    return plan


def _teen_plan(plan: Plan, fjordvik: Municipality, kari: User) -> None:
    """Mina (13) wrote one goal herself, and asked that what she talks about with the school
    nurse is kept from her mother for now: Kari withheld it (her mother never sees it)."""
    mina = plan.owner
    nurse = participant_add(
        plan=plan,
        acting_user=kari,
        name="Heidi Moe",
        role=Participant.Role.SERVICE_PROVIDER,
        organisation=_org(fjordvik, "Fjordvik skole"),
        title="Helsesykepleier",
        contribution="Samtaler med Mina på skolen.",
    )
    school = goal_create(
        plan=plan,
        acting_user=kari,
        title="Jeg vil klare å være på skolen hele dagen",
        status=Goal.Status.IN_PROGRESS,
    )
    goal_create(plan=plan, acting_user=mina, title="Jeg vil begynne på håndball igjen")
    _measure(
        plan,
        kari,
        school,
        title="Hvilerom og pause etter lunsj",
        organisation=_org(fjordvik, "Fjordvik skole"),
        start_date=_days(-20),
        deadline=_days(25),
        status=Measure.Status.ONGOING,
    )
    talks = goal_create(
        plan=plan, acting_user=kari, title="Jeg vil ha noen å snakke med når jeg er lei meg"
    )
    _measure(
        plan,
        kari,
        talks,
        title="Samtaler med helsesykepleier hver uke",
        responsible=nurse,
        start_date=_days(5),
        status=Measure.Status.PLANNED,
    )
    note_create(
        plan=plan,
        goal=talks,
        noted_on=_days(-3),
        acting_user=kari,
        text="Mina har hatt første samtale med helsesykepleier og vil fortsette.",
    )
    reason = (
        "Mina (13) ba i samtale med koordinator om at foreldrene ikke får vite om samtalene ennå; "
        "hun vil fortelle det selv. Ikke nødvendig for foreldreansvaret nå."
    )
    item_withhold_decide(item=talks, withheld=True, reason=reason, acting_user=kari)
