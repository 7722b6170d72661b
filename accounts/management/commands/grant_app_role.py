"""Grant the application's PostgreSQL role what the app needs, and check that it has no more.

Run as the owner role (the one that ran `migrate`); `migrate` does the same by itself when
IPPLAN_DB_APP_ROLE is set. `--check` only reports.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ipplan.db_roles import app_role_grant, app_role_problems

NEEDS_POSTGRESQL = "The application role exists only on PostgreSQL."
NEEDS_A_ROLE = "Name the role: --role NAME or IPPLAN_DB_APP_ROLE."


class Command(BaseCommand):
    help = "Grant the app's database role its privileges (no table ownership, logs append-only)."

    def add_arguments(self, parser):
        parser.add_argument("--role", default=None, help="default: IPPLAN_DB_APP_ROLE")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--check", action="store_true", help="only report problems")

    def handle(self, *, role, database, check, **options):
        role = role or settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError(NEEDS_A_ROLE)
        if connections[database].vendor != "postgresql":
            raise CommandError(NEEDS_POSTGRESQL)
        try:
            if not check:
                app_role_grant(role=role, using=database)
            problems = app_role_problems(role=role, using=database)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(f"Role {role}: owns no tables, logs append-only, grants complete.")
