"""The security log is append-only in the database too: on PostgreSQL a trigger refuses
UPDATE, DELETE and TRUNCATE (ipplan/append_only.py)."""

from django.db import migrations

from ipplan.append_only import make_append_only


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_security_events")]
    operations = [make_append_only("accounts_securityevent")]
