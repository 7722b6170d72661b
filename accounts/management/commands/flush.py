"""Django's `flush`, allowed to empty the append-only logs too.

Emptying the whole database is maintenance by the owner role (test teardown uses it between
transactional tests); the logs' triggers refuse TRUNCATE unless the owner asks for it inside
`log_maintenance()`. The application's role cannot flush at all: it has no TRUNCATE privilege.
"""

from __future__ import annotations

from django.core.management.commands import flush

from ipplan.append_only import log_maintenance


class Command(flush.Command):
    help = flush.Command.help + " The append-only logs are emptied too (owner role only)."

    def handle(self, **options):
        with log_maintenance(using=options["database"]):
            return super().handle(**options)
