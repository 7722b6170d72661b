"""The case access log is append-only in the database too: on PostgreSQL a trigger refuses
UPDATE, DELETE and TRUNCATE (ipplan/append_only.py)."""

from django.db import migrations

from ipplan.append_only import make_append_only


class Migration(migrations.Migration):
    dependencies = [("coordination", "0003_case_log_detail")]
    operations = [make_append_only("coordination_caseaccesslogentry")]
