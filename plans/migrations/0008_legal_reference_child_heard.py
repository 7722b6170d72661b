"""The child's right to be heard before the parents consent (pbrl § 4-4), checked against
Helsedirektoratet's commentary to § 4-4 and Bufdir's summary of it ("senest fra barnet er fylt
7 år", "fra barnet er fylt 12 år skal det legges stor vekt på hva barnet mener"). §§ 3-4, 4-4
and 4-5 were last amended with effect from 1 January 2022 (Prop. 133 L (2020-2021), as listed
by Helsetilsynet's page of the act's preparatory works); that is the wording's valid_from."""

import datetime

from django.db import migrations

SOURCE = (
    "https://www.helsedirektoratet.no/rundskriv/pasient-og-brukerrettighetsloven-med-kommentarer"
    "/samtykke-til-helsehjelp/samtykke-pa-vegne-av-barn"
)
REFERENCES = [
    (
        "child_heard",
        "pasient- og brukerrettighetsloven",
        "§ 4-4",
        "Samtykke på vegne av barn",
        "Før foreldrene samtykker for barnet, skal barnet få informasjon og si sin mening, senest "
        "fra barnet er fylt 7 år, og yngre barn når de kan danne seg egne synspunkter. Det skal "
        "legges vekt på hva barnet mener ut fra alder og modenhet, og stor vekt fra barnet er "
        "fylt 12 år.",
        SOURCE,
        datetime.date(2022, 1, 1),
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
    dependencies = [("plans", "0007_legal_reference_seed")]
    operations = [migrations.RunPython(forwards, backwards)]
