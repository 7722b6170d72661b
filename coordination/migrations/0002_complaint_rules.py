"""The complaint deadlines by law, as data: the decision names its rule."""

from django.db import migrations

RULES = [
    (
        "pbrl-7-5",
        "pasient- og brukerrettighetsloven § 7-5",
        4,
        "Rettigheter etter pasient- og brukerrettighetsloven, f.eks. individuell plan og "
        "koordinator (pbrl § 2-5)",
    ),
    (
        "fvl-29",
        "forvaltningsloven § 29",
        3,
        "Enkeltvedtak etter andre lover, der forvaltningslovens alminnelige frist gjelder",
    ),
]


def forwards(apps, schema_editor):
    ComplaintRule = apps.get_model("coordination", "ComplaintRule")
    for code, law, weeks, description in RULES:
        ComplaintRule.objects.update_or_create(
            code=code, defaults={"law": law, "weeks": weeks, "description": description}
        )


def backwards(apps, schema_editor):
    apps.get_model("coordination", "ComplaintRule").objects.filter(
        code__in=[code for code, *_rest in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
