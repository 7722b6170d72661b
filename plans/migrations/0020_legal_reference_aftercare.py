"""The child welfare act's rule for young people over 18 (aftercare), shown on the plan page
and the young person's choice at 18 (consent/coming_of_age.py, consent/services/aftercare.py).

Lov 18. juni 2021 nr. 97 om barnevern (barnevernsloven), in force 1 January 2023. Checked
against public pages that quote the section in full: ok4ung.no "Lovverk" ("Ettervern er
regulert av barnevernsloven § 3-6", with the three paragraphs: measures begun before 18 are
continued or replaced when the young person consents and needs help towards adult life; in
good time before 18 the service contacts the young person to assess it, and the decision is
an individual decision; measures can be given until the young person turns 25), and Heim
kommune's page on aftercare (the same rule, "jf. Barnevernsloven § 3-6"). regjeringen.no's
page "Tiltak i barnevernet for ungdom over 18 år" gives the same rule (consent, up to 25) under
the act before 2023. Lovdata's own page could not be read here.

Not cited, because no public text in reach confirmed the section number in the 2021 act: the
rule that a care order lapses at 18 (the 1992 act's § 1-3, per regjeringen.no's interpretation
statement), and the child's party rights from 15."""

import datetime

from django.db import migrations

REFERENCES = [
    (
        "aftercare",
        "barnevernsloven",
        "§ 3-6",
        "Tiltak for ungdom over 18 år (ettervern)",
        "Tiltak fra barnevernstjenesten som er satt i gang før ungdommen fyller 18 år, skal "
        "videreføres eller erstattes av andre tiltak når ungdommen samtykker og trenger hjelp "
        "eller støtte til en god overgang til voksenlivet. I god tid før 18-årsdagen skal "
        "barnevernstjenesten kontakte ungdommen for å vurdere dette, og avgjørelsen er et "
        "enkeltvedtak. Tiltak kan gis til ungdommen fyller 25 år.",
        "https://www.ok4ung.no/lovverk",
        datetime.date(2023, 1, 1),
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
    dependencies = [("plans", "0019_legal_reference_withheld_weighty_reasons")]
    operations = [migrations.RunPython(forwards, backwards)]
