"""beat's container health check: has beat sent its heartbeat task recently? It reads beat's
schedule table in the database, so it needs neither web nor Redis nor a worker."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ipplan.health import beat_heartbeat_age


class Command(BaseCommand):
    help = "Exit 0 when beat sent its heartbeat within IPPLAN_BEAT_STALE_SECONDS."

    def handle(self, *args, **options):
        age = beat_heartbeat_age()
        if age is None or age > settings.IPPLAN_BEAT_STALE_SECONDS:
            raise CommandError(f"beat heartbeat is stale (age: {age} s)")
        self.stdout.write(f"beat ok ({age} s ago)")
