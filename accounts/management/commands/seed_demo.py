"""Create the demo data, idempotently: every installed app's `demo.seed`, in INSTALLED_APPS order.

Each app owns its demo data (accounts: municipalities and logins; plans: realistic plans...),
so this command depends on no app above accounts.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create demo municipalities, one login per role and realistic plans (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates known passwords and never runs in production.")
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is not None:
                    import_module(module_name).seed(self.stdout)
