"""The plan history is append-only: the model refuses changes, a plan with history is never
deleted by cascade, and on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE
(ipplan/append_only.py)."""

import django.db.models.deletion
from django.db import migrations, models

from ipplan.append_only import make_append_only


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_plan_change_mentions")]

    operations = [
        migrations.AlterField(
            model_name="planchange",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="changes",
                to="plans.plan",
            ),
        ),
        make_append_only("plans_planchange"),
    ]
