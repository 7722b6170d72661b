"""The barnekoordinator's tasks, shown on the family's workspace.

Checked against the public sources named: Helsedirektoratet's commentary to pbrl § 2-5 c (in
force 1 August 2022, the right of families who have or expect a child with serious illness,
injury or disability, "i samsvar med helse- og omsorgstjenesteloven § 7-2 a"), and the
municipal pages that set out the barnekoordinator's tasks as the regulation on habilitation,
rehabilitation and coordinator lists them (e.g. Lindesnes kommune: coordination of the
services to the family and the child; follow-up, and guidance in the contact with the
different parts of the services; information and guidance on health and care services, other
welfare services and patient organisations; progress in the work on an individual plan).
The regulation's section number is not cited: it could not be read on Lovdata here."""

import datetime

from django.db import migrations

REFERENCES = [
    (
        "child_coordinator_tasks",
        "forskrift om habilitering og rehabilitering og koordinator",
        "",
        "Barnekoordinatorens oppgaver",
        "Barnekoordinatoren skal sørge for at tjenestene til barnet og familien samordnes, at "
        "familien og barnet får nødvendig oppfølging og veiledning i kontakten med de ulike "
        "delene av hjelpeapparatet, også spesialisthelsetjenesten, at familien får "
        "informasjon og veiledning om helse- og omsorgstjenestene, andre velferdstjenester og "
        "pasient- og brukerorganisasjoner, og at arbeidet med individuell plan går framover. "
        "Retten gjelder så lenge vilkårene er oppfylt, og til barnet fyller 18 år.",
        "https://www.lindesnes.kommune.no/barnekoordinator.593198.no.html",
        datetime.date(2022, 8, 1),
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
    dependencies = [("plans", "0013_legal_reference_withheld_items")]
    operations = [migrations.RunPython(forwards, backwards)]
