"""A correction: the barnekoordinator's tasks are set out in helse- og omsorgstjenesteloven
§ 7-2 a (Prop. 100 L (2020-2021), in force 1 August 2022), not in the regulation on
habilitation, rehabilitation and coordinator without a section, which 0014 cited after only a
municipal page.

Checked against: Prop. 100 L (2020-2021), the bill's text on regjeringen.no (the welfare acts'
new duties to cooperate with "barnekoordinator dersom dette er oppnevnt etter helse- og
omsorgstjenesteloven § 7-2 a", and the child welfare act's rule that the barnekoordinator
coordinates the services where one is appointed under that section); Nord-Odal and Trondheim
kommune's pages (the municipality's duty to appoint a barnekoordinator under hol § 7-2 a, the
right under pbrl § 2-5 c; the barnekoordinator sees to the coordination of the services).

Done the table's way, so that nothing already written changes: the old row is closed the day
before this correction, and the corrected row applies from then. A letter keeps the row that
was in force on its date; the family workspace cites the row in force today."""

import datetime

from django.db import migrations

CORRECTED_FROM = datetime.date(2026, 12, 1)
OLD_FROM = datetime.date(2022, 8, 1)

REFERENCES = [
    (
        "child_coordinator_tasks",
        "helse- og omsorgstjenesteloven",
        "§ 7-2 a",
        "Barnekoordinatorens oppgaver",
        "Barnekoordinatoren skal sørge for at tjenestene til barnet og familien samordnes, at "
        "familien og barnet får nødvendig oppfølging og veiledning i kontakten med de ulike "
        "delene av hjelpeapparatet, også spesialisthelsetjenesten, at familien får "
        "informasjon og veiledning om helse- og omsorgstjenestene, andre velferdstjenester og "
        "pasient- og brukerorganisasjoner, og at arbeidet med individuell plan går framover. "
        "Retten gjelder så lenge vilkårene er oppfylt, og til barnet fyller 18 år.",
        "https://www.regjeringen.no/no/dokumenter/prop.-100-l-20202021/id2838338/?ch=13",
        CORRECTED_FROM,
    ),
]


def forwards(apps, schema_editor):
    LegalReference = apps.get_model("plans", "LegalReference")
    LegalReference.objects.filter(
        code="child_coordinator_tasks", valid_from=OLD_FROM, valid_to__isnull=True
    ).update(valid_to=CORRECTED_FROM - datetime.timedelta(days=1))
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
    LegalReference.objects.filter(code="child_coordinator_tasks", valid_from=OLD_FROM).update(
        valid_to=None
    )


class Migration(migrations.Migration):
    dependencies = [("plans", "0020_legal_reference_aftercare")]
    operations = [migrations.RunPython(forwards, backwards)]
