"""History entries remember which other sections their text names (issue 9, point 3).

Existing rows: a new note's line names its goal or measure ("Nytt notat om «...»"); the
subject's title is looked up among the plan's goals and measures, and when it cannot be told
apart (renamed since, or both have that title) the entry is marked as naming both, so it is
shown only to readers of both. An answer to a meeting notice names the invitee, who is a
participant. Summaries were stored in the writer's language, so both languages are matched.
"""

import re

from django.db import migrations, models

NOTE_SUBJECT = re.compile(r"(?:«(?P<nb>.*)»|“(?P<en>.*)”)\s*$", re.S)
ANSWERED = ("svarte på møteinnkallingen", "replied to the notice of meeting")


def _value(sections):
    return "," + ",".join(sorted(sections)) + "," if sections else ""


def _note_subject_sections(apps, change):
    Goal = apps.get_model("plans", "Goal")
    Measure = apps.get_model("plans", "Measure")
    match = NOTE_SUBJECT.search(change.summary)
    if match is None:
        return {"goals", "measures"}
    title = match["nb"] if match["nb"] is not None else match["en"]
    in_goals = Goal.objects.filter(plan_id=change.plan_id, title=title).exists()
    in_measures = Measure.objects.filter(plan_id=change.plan_id, title=title).exists()
    if in_goals != in_measures:
        return {"goals"} if in_goals else {"measures"}
    return {"goals", "measures"}


def mark_existing(apps, schema_editor):
    PlanChange = apps.get_model("plans", "PlanChange")
    for change in PlanChange.objects.filter(section="notes", action="create").iterator():
        change.mentions = _value(_note_subject_sections(apps, change))
        change.save(update_fields=["mentions"])
    answers = PlanChange.objects.filter(section="meetings", action="update")
    for change in answers.iterator():
        if any(phrase in change.summary for phrase in ANSWERED):
            change.mentions = _value({"participants"})
            change.save(update_fields=["mentions"])


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_reminder_marks"),
    ]

    operations = [
        migrations.AddField(
            model_name="planchange",
            name="mentions",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
    ]
