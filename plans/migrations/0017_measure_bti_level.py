"""A relay log's measures carry their BTI level (Measure.BtiLevel). The services' measures on
relay logs already recorded get level 1 (effort within one service): a measure is already
past level 0 (clearing up the concern), and the holder raises it where more services take
part. Other kinds, and the family's own contributions, have none."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Measure = apps.get_model("plans", "Measure")
    Measure.objects.filter(
        plan__kind="relay_log", is_own_contribution=False, bti_level__isnull=True
    ).update(bti_level=1)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0016_note_on_the_record_without_goals"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="bti_level",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[
                    (0, "Nivå 0: Vi finner ut om det er grunn til bekymring"),
                    (1, "Nivå 1: Tiltak i én tjeneste"),
                    (2, "Nivå 2: Samarbeid mellom to tjenester"),
                    (3, "Nivå 3: Samarbeid mellom flere tjenester"),
                ],
                null=True,
                verbose_name="nivå (BTI)",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
