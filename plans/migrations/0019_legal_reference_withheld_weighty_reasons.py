"""Items withheld from the parents because weighty considerations for the child speak against
it, and the rule they follow; each withholding decision records its ground.

The rule is the third paragraph of the patients' and users' rights act on information when the
patient or user is under 18, checked against Helsedirektoratet's commentary to it (the source
below), which sets out that the second paragraph is the exception for a child between 12 and
16 and the third paragraph the exception for a patient or user under 16 whatever the age; the
fourth paragraph keeps what the parents need to fulfil their parental responsibility. The third
paragraph was added with effect from 1 January 2018 (Prop. 75 L (2016-2017), as the
Parliamentary Ombudsman's statement on parents' right to health information about children
under 12 records); the section's wording in force is that from 1 January 2022 (see
0008_legal_reference_child_heard), which is this row's valid_from, like the second paragraph's
row (0013_legal_reference_withheld_items).

Decisions made before this migration were all at the child's request (the only ground there
was): they get that ground."""

import datetime

from django.db import migrations, models

SOURCE = (
    "https://www.helsedirektoratet.no/rundskriv/pasient-og-brukerrettighetsloven-med-kommentarer"
    "/rett-til-medvirkning-og-informasjon/informasjon-nar-pasienten-eller-brukeren-er-under-18-ar"
)
REFERENCE = {
    "code": "withheld_weighty_reasons",
    "valid_from": datetime.date(2022, 1, 1),
    "law": "pasient- og brukerrettighetsloven",
    "section": "§ 3-4 tredje ledd",
    "title": "Informasjon når pasienten eller brukeren er under 18 år",
    "text": (
        "Opplysninger skal ikke gis til foreldrene eller andre med foreldreansvaret når "
        "tungtveiende hensyn til pasienten eller brukeren taler mot det. Dette gjelder "
        "pasienter og brukere under 16 år, uansett alder. Informasjon som er nødvendig for å "
        "oppfylle foreldreansvaret, skal likevel gis (fjerde ledd)."
    ),
    "source_url": SOURCE,
}

# tests/conftest.py reseeds the legal references from every migration named *_legal_reference_*
# that has REFERENCES and forwards().
REFERENCES = [REFERENCE]


def forwards(apps, schema_editor):
    LegalReference = apps.get_model("plans", "LegalReference")
    fields = dict(REFERENCE)
    LegalReference.objects.update_or_create(
        code=fields.pop("code"), valid_from=fields.pop("valid_from"), defaults=fields
    )


def backwards(apps, schema_editor):
    LegalReference = apps.get_model("plans", "LegalReference")
    LegalReference.objects.filter(
        code=REFERENCE["code"], valid_from=REFERENCE["valid_from"]
    ).delete()


def earlier_decisions_were_requests(apps, schema_editor):
    WithholdingDecision = apps.get_model("plans", "WithholdingDecision")
    WithholdingDecision.objects.filter(withheld=True, ground="").update(ground="child_request")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0018_archive_record_consent_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="withholdingdecision",
            name="ground",
            field=models.CharField(
                blank=True,
                choices=[
                    ("child_request", "Barnet har bedt om det (12–16 år)"),
                    ("weighty_reasons", "Tungtveiende hensyn til barnet"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.RunPython(earlier_decisions_were_requests, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
