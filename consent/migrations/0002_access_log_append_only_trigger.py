"""On PostgreSQL, refuse UPDATE and DELETE on the access log for every database user.

The model refuses them too; this also stops raw SQL, the Django shell and other tools.
(TRUNCATE is left to the database owner for test teardown and documented retention jobs.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION consent_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent_accesslogentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consent_access_log_no_update_delete
    BEFORE UPDATE OR DELETE ON consent_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION consent_access_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS consent_access_log_no_update_delete ON consent_accesslogentry;
DROP FUNCTION IF EXISTS consent_access_log_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
