"""Append-only tables: the logs that tell the owner and the auditor what happened.

Three layers keep them append-only:

- the model layer (here) refuses update and delete, so a bug in our code fails loudly;
- on PostgreSQL a trigger per log table refuses UPDATE and DELETE of every row and TRUNCATE of
  the table, for every database user, and it is enabled ALWAYS so that
  `session_replication_role = replica` does not switch it off;
- the application connects as a role that owns no tables and may only SELECT and INSERT on the
  logs (`ipplan/db_roles.py`), so it can neither change a row nor disable the trigger.

The only way to remove log rows is a maintenance step run by the owner role inside
`log_maintenance()` (test teardown's `flush`, and a retention job when one is written); rows
are never updated.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections, migrations, models, transaction

LOG_IS_APPEND_ONLY = "This log is append-only: rows cannot be changed or deleted."

# A session setting that lets the *table owner* delete or truncate log rows; any other role is
# refused by its privileges before the trigger runs, and UPDATE is refused even then.
MAINTENANCE_SETTING = "ipplan.log_maintenance"
TRIGGER_FUNCTION = "ipplan_log_append_only"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(LOG_IS_APPEND_ONLY)

    def delete(self):
        raise PermissionError(LOG_IS_APPEND_ONLY)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(LOG_IS_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(LOG_IS_APPEND_ONLY)


def append_only_tables() -> list[str]:
    """The database tables of every append-only model: the logs."""
    from django.apps import apps

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, AppendOnlyModel) and not model._meta.proxy
    )


# --- The database layer (PostgreSQL) ---------------------------------------------------------

# The names are spelled out (TRIGGER_FUNCTION, MAINTENANCE_SETTING): no SQL is built from values.
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION ipplan_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND current_setting('ipplan.log_maintenance', true) = 'on'
       AND pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: rows cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def _trigger_sql(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {TRIGGER_FUNCTION}();
CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_FUNCTION}();
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_append_only;
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_append_only_truncate;
"""


def _drop_trigger_sql(table: str) -> str:
    # The function stays: other logs' triggers use it.
    return f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table};
"""


def make_append_only(
    table: str, *, before: str = "", after_reverse: str = ""
) -> migrations.RunPython:
    """A migration operation that adds the append-only triggers to `table` on PostgreSQL (a
    no-op on SQLite, which the embedded demo uses). `before` runs first (e.g. dropping an
    older trigger); `after_reverse` runs after the reverse (e.g. restoring it)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(before + FUNCTION_SQL + _trigger_sql(table), params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_drop_trigger_sql(table) + after_reverse, params=None)

    return migrations.RunPython(forwards, backwards, elidable=False)


@contextmanager
def log_maintenance(using: str = "default"):
    """Let the owner role delete or truncate log rows inside this block, which is one
    transaction (on PostgreSQL; elsewhere it changes nothing). Only for maintenance that removes
    whole stretches of history on purpose: `manage.py flush` (test teardown) and retention.
    The application's role has no DELETE or TRUNCATE privilege on the logs, so this opens
    nothing for it, and no role may ever UPDATE a log row."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            _set_maintenance(connection, "on")
        yield
        if connection.vendor == "postgresql":
            _set_maintenance(connection, "")  # on an error, the rollback undoes it


def _set_maintenance(connection, value: str) -> None:
    with connection.cursor() as cursor:
        # is_local: the setting ends with the transaction (or savepoint) at the latest.
        cursor.execute("SELECT set_config(%s, %s, true)", [MAINTENANCE_SETTING, value])
