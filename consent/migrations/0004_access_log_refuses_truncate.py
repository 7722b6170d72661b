"""The access log's trigger of migration 0002 refused UPDATE and DELETE; this one replaces it
with the trigger every log shares (ipplan/append_only.py), which also refuses TRUNCATE and
fires even under `session_replication_role = replica`."""

from django.db import migrations

from ipplan.append_only import make_append_only

OLD_TRIGGER_DROP = """
DROP TRIGGER IF EXISTS consent_access_log_no_update_delete ON consent_accesslogentry;
DROP FUNCTION IF EXISTS consent_access_log_append_only();
"""

OLD_TRIGGER_CREATE = """
CREATE OR REPLACE FUNCTION consent_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent_accesslogentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consent_access_log_no_update_delete
    BEFORE UPDATE OR DELETE ON consent_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION consent_access_log_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("consent", "0003_consent_grants_invitations")]
    operations = [
        make_append_only(
            "consent_accesslogentry", before=OLD_TRIGGER_DROP, after_reverse=OLD_TRIGGER_CREATE
        )
    ]
