"""The application's PostgreSQL role: it owns no tables and holds only the grants it needs.

Two roles (README.md, "Production"; docker/postgres-init/ creates them):

- the owner (`ipplan_owner`) owns the schema's tables and runs `manage.py migrate`, and nothing
  else; its password is given only to the one-shot `migrate` service;
- the application (`ipplan_app`, IPPLAN_DB_APP_ROLE) is what web, worker and beat connect as:
  SELECT, INSERT, UPDATE, DELETE on ordinary tables, only SELECT and INSERT on the append-only
  logs, USAGE on sequences. Not owning a table, it can neither ALTER it (so no DISABLE TRIGGER)
  nor TRUNCATE it; not being a superuser, it cannot SET session_replication_role.

The grants are (re)applied after every `migrate` run by the owner (a post_migrate receiver,
when IPPLAN_DB_APP_ROLE is set) and by `manage.py grant_app_role`. Default privileges give the
app role SELECT and INSERT on tables the owner creates later, so a new table is never wider open
than a log until the grants are re-applied.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connections, transaction

from ipplan.append_only import append_only_tables

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
NOT_A_ROLE_NAME = "A role name is lower-case letters, digits and underscores, at most 63."

ORDINARY = ("SELECT", "INSERT", "UPDATE", "DELETE")
LOG = ("SELECT", "INSERT")
NEVER = ("TRUNCATE", "REFERENCES", "TRIGGER")


def app_role_grant(*, role: str, using: str = "default") -> None:
    """Give `role` exactly the application's privileges on every table and sequence of the
    current schema, and the same for tables created later by the role running this."""
    connection = connections[using]
    ops = connection.ops
    name = ops.quote_name(_checked(role))
    with transaction.atomic(using=using), connection.cursor() as cursor:
        schema = ops.quote_name(_current_schema(cursor))
        statements = [
            f"GRANT USAGE ON SCHEMA {schema} TO {name}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {name}",
            f"GRANT {', '.join(ORDINARY)} ON ALL TABLES IN SCHEMA {schema} TO {name}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {name}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {name}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {', '.join(LOG)} ON TABLES"
            f" TO {name}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE ON SEQUENCES TO {name}",
        ]
        # Only the logs that exist: `migrate <app> <migration>` may stop short of some.
        existing = set(connection.introspection.table_names(cursor))
        logs = [ops.quote_name(t) for t in append_only_tables() if t in existing]
        if logs:
            statements.append(f"REVOKE UPDATE, DELETE ON {', '.join(logs)} FROM {name}")
        for statement in statements:
            cursor.execute(statement)


def app_role_problems(*, role: str, using: str = "default") -> list[str]:
    """Everything that would let `role` rewrite history or reshape the schema, and every
    privilege it lacks for the application's normal work. Empty when all is as it should be."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication"
            " FROM pg_roles WHERE rolname = %s",
            [_checked(role)],
        )
        row = cursor.fetchone()
        if row is None:
            return [f"role {role} does not exist"]
        flags = ("SUPERUSER", "CREATEROLE", "CREATEDB", "BYPASSRLS", "REPLICATION")
        problems = [f"role {role} has {flag}" for flag, on in zip(flags, row, strict=True) if on]
        schema = _current_schema(cursor)
        if _ask(cursor, "has_schema_privilege(%s, %s, 'CREATE')", role, schema):
            problems.append(f"role {role} may create objects in schema {schema}")
        problems += _table_problems(cursor, role, schema)
    return problems


PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", *NEVER)


def _table_problems(cursor, role: str, schema: str) -> list[str]:
    asks = ", ".join(f"has_table_privilege(%s, c.oid, '{p}')" for p in PRIVILEGES)
    cursor.execute(
        f"SELECT c.relname, pg_has_role(%s, c.relowner, 'MEMBER'), {asks}"  # noqa: S608
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
        [role] * (1 + len(PRIVILEGES)) + [schema],
    )
    logs = set(append_only_tables())
    problems = []
    for table, owns, *held in cursor.fetchall():
        if owns:
            problems.append(f"role {role} owns (or may act as the owner of) table {table}")
        wanted = LOG if table in logs else ORDINARY
        for privilege, has in zip(PRIVILEGES, held, strict=True):
            if has and privilege not in wanted:
                problems.append(f"role {role} may {privilege} on {table}")
            elif not has and privilege in wanted:
                problems.append(f"role {role} lacks {privilege} on {table}")
    return problems


def app_role_grant_after_migrate(sender, *, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: after the owner migrated, re-apply the app role's grants so that
    new tables are covered and new logs are closed."""
    role = settings.DATABASE_APP_ROLE
    if role and connections[using].vendor == "postgresql":
        app_role_grant(role=role, using=using)


def _checked(role: str) -> str:
    if not ROLE_NAME.match(role):
        raise ValueError(NOT_A_ROLE_NAME)
    return role


def _current_schema(cursor) -> str:
    cursor.execute("SELECT current_schema()")
    return cursor.fetchone()[0]


def _ask(cursor, expression: str, *params) -> bool:
    cursor.execute(f"SELECT {expression}", list(params))
    return bool(cursor.fetchone()[0])
