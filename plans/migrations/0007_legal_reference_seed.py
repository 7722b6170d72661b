"""The legal references as they stand in 2026, each checked against the public source named.

A change of law is a new migration like this one: close the old row (valid_to) and add the new
version with the same code (e.g. the new forvaltningsloven, Prop. 79 L (2024-2025), when it is
in force). valid_from is when the rule as worded here came into force where the source says so
(1 August 2022 for the coordinator reform, 1 January 2012 for the health and care act and the
complaint rules of pbrl chapter 7); older rules carry 2012-01-01, the earliest date ipplan
needs, as a lower bound."""

import datetime

from django.db import migrations

HDIR_PBRL = (
    "https://www.helsedirektoratet.no/rundskriv/pasient-og-brukerrettighetsloven-med-kommentarer"
)
PBRL = "pasient- og brukerrettighetsloven"
HOL = "helse- og omsorgstjenesteloven"
FVL = "forvaltningsloven"
REFORM = datetime.date(2022, 8, 1)
HOL_2012 = datetime.date(2012, 1, 1)

# code, law, section, title, text, source, valid_from
REFERENCES = [
    (
        "right_to_plan",
        PBRL,
        "§ 2-5",
        "Rett til individuell plan",
        "Pasienter og brukere med behov for langvarige og koordinerte helse- og "
        "omsorgstjenester har rett til å få utarbeidet en individuell plan.",
        f"{HDIR_PBRL}/rett-til-helse-og-omsorgstjenester-og-transport/rett-til-individuell-plan",
        HOL_2012,
    ),
    (
        "right_to_coordinator",
        PBRL,
        "§ 2-5 b",
        "Rett til koordinator",
        "Pasienter og brukere med behov for komplekse eller langvarige og koordinerte "
        "tjenester har rett til koordinator, også uten individuell plan.",
        f"{HDIR_PBRL}/rett-til-helse-og-omsorgstjenester-og-transport/-2-5b-rett-til-koordinator",
        REFORM,
    ),
    (
        "right_to_child_coordinator",
        PBRL,
        "§ 2-5 c",
        "Rett til barnekoordinator",
        "Familier som har eller venter barn med alvorlig sykdom, skade eller nedsatt "
        "funksjonsevne, og som vil ha behov for langvarige og sammensatte eller koordinerte "
        "helse- og omsorgstjenester og andre velferdstjenester, har rett til barnekoordinator. "
        "Retten gjelder så lenge vilkårene er oppfylt.",
        f"{HDIR_PBRL}/rett-til-helse-og-omsorgstjenester-og-transport/"
        "-2-5c-rett-til-barnekoordinator",
        REFORM,
    ),
    (
        "duty_plan",
        HOL,
        "§ 7-1",
        "Kommunens plikt: individuell plan",
        "Kommunen skal utarbeide individuell plan for pasienter og brukere med behov for "
        "langvarige og koordinerte tjenester, og sørge for at planarbeidet koordineres når "
        "også spesialisthelsetjenesten yter tjenester.",
        f"{HDIR_PBRL}/rett-til-helse-og-omsorgstjenester-og-transport/rett-til-individuell-plan",
        HOL_2012,
    ),
    (
        "duty_coordinator",
        HOL,
        "§ 7-2",
        "Kommunens plikt: koordinator",
        "Kommunen skal tilby koordinator til pasienter og brukere med behov for komplekse "
        "eller langvarige og koordinerte tjenester.",
        f"{HDIR_PBRL}/rett-til-helse-og-omsorgstjenester-og-transport/-2-5b-rett-til-koordinator",
        HOL_2012,
    ),
    (
        "duty_child_coordinator",
        HOL,
        "§ 7-2 a",
        "Kommunens plikt: barnekoordinator",
        "Kommunen skal tilby barnekoordinator til familier som har rett til det.",
        f"{HDIR_PBRL}/rett-til-helse-og-omsorgstjenester-og-transport/"
        "-2-5c-rett-til-barnekoordinator",
        REFORM,
    ),
    (
        "coordinating_unit",
        HOL,
        "§ 7-3",
        "Koordinerende enhet",
        "Kommunen skal ha en koordinerende enhet med overordnet ansvar for arbeidet med "
        "individuell plan og for oppnevning, opplæring og veiledning av koordinatorer.",
        "https://www.helsedirektoratet.no/veiledere/rehabilitering-habilitering-individuell-"
        "plan-og-koordinator/koordinerende-enhet-for-habilitering-og-rehabilitering-i-kommunen-"
        "og-i-spesialisthelsetjenesten/lovgrunnlaget-for-koordinerende-enhet-i-kommunene",
        HOL_2012,
    ),
    (
        "ip_content",
        "forskrift om individuell plan ved ytelse av velferdstjenester",
        "",
        "Hva en individuell plan skal inneholde",
        "Forskriften gjelder individuelle planer etter sosialtjenesteloven, NAV-loven, helse- "
        "og omsorgstjenesteloven, spesialisthelsetjenesteloven, psykisk helsevernloven, "
        "pasient- og brukerrettighetsloven og barnevernsloven, og sier hva planen skal "
        "inneholde (punkt a–i).",
        "https://www.statsforvalteren.no/nb/vestland/helse-omsorg-og-sosialtjenester/"
        "individuell-plan/ny-forskrift-om-individuell-plan/",
        REFORM,
    ),
    (
        "coordinator_regulation",
        "forskrift om habilitering og rehabilitering og koordinator",
        "",
        "Koordinator og koordinerende enhet",
        "Forskriften regulerer koordinator og koordinerende enhet i helse- og omsorgstjenesten.",
        "https://www.helsedirektoratet.no/veiledere/rehabilitering-habilitering-individuell-"
        "plan-og-koordinator/om-veilederen",
        REFORM,
    ),
    (
        "fvl_not_applicable",
        PBRL,
        "§ 2-7",
        "Forvaltningslovens anvendelse",
        "Forvaltningsloven kapittel IV og V gjelder ikke for avgjørelser om individuell plan, "
        "koordinator og barnekoordinator; klage følger pasient- og brukerrettighetsloven "
        "kapittel 7.",
        f"{HDIR_PBRL}/rett-til-helse-og-omsorgstjenester-og-transport/"
        "forvaltningslovens-anvendelse",
        REFORM,
    ),
    (
        "complaint",
        PBRL,
        "§ 7-2",
        "Klage til statsforvalteren",
        "Den som mener at rettighetene er brutt, kan klage til statsforvalteren. Klagen sendes "
        "til den som har truffet vedtaket eller avgjørelsen.",
        f"{HDIR_PBRL}/klage-mv/-7-2-klage-mv",
        HOL_2012,
    ),
    (
        "complaint_deadline",
        PBRL,
        "§ 7-5",
        "Frist for klage",
        "Fristen for å klage er fire uker etter at klageren fikk eller burde ha fått "
        "tilstrekkelig kunnskap til å klage.",
        f"{HDIR_PBRL}/klage-mv/-7-5-frist-for-klage",
        HOL_2012,
    ),
    (
        "complaint_late",
        FVL,
        "§ 31",
        "Klage etter fristen",
        "En klage som kommer etter fristen, kan likevel behandles når klageren ikke kan "
        "lastes for det, eller særlige grunner tilsier det (pasient- og "
        "brukerrettighetsloven § 7-7).",
        f"{HDIR_PBRL}/klage-mv/-7-5-frist-for-klage",
        HOL_2012,
    ),
    (
        "complaint_rejection",
        FVL,
        "§ 33 andre ledd",
        "Avvisning av klage",
        "Den som har truffet vedtaket, avviser klagen når vilkårene for å behandle den ikke "
        "er oppfylt.",
        "https://www.regjeringen.no/no/dokumenter/-33---forvaltningsloven--33-annet-ledd--/"
        "id456284/",
        HOL_2012,
    ),
    (
        "interim_reply",
        FVL,
        "§ 11 a",
        "Foreløpig svar",
        "Kan en henvendelse om enkeltvedtak ikke besvares innen en måned, skal det gis et "
        "foreløpig svar med grunnen og når svar kan ventes.",
        "https://jusinfo.no/forvaltningsrett/saksbehandlingstid-og-forelopig-svar/"
        "saksbehandlingstid/",
        HOL_2012,
    ),
    (
        "documents_access",
        PBRL,
        "§ 5-1",
        "Rett til innsyn",
        "Pasienten og brukeren har rett til innsyn i journalen med vedlegg, og på forespørsel "
        "til kopi.",
        f"{HDIR_PBRL}/rett-til-journalinnsyn",
        HOL_2012,
    ),
]


def forwards(apps, schema_editor):
    LegalReference = apps.get_model("plans", "LegalReference")
    for code, law, section, title, text, source, valid_from in REFERENCES:
        LegalReference.objects.update_or_create(
            code=code,
            valid_from=valid_from,
            defaults={
                "law": law,
                "section": section,
                "title": title,
                "text": text,
                "source_url": source,
            },
        )


def backwards(apps, schema_editor):
    LegalReference = apps.get_model("plans", "LegalReference")
    for code, *_rest, valid_from in REFERENCES:
        LegalReference.objects.filter(code=code, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0006_legal_reference")]
    operations = [migrations.RunPython(forwards, backwards)]
