"""Create the demo data, idempotently: every installed app's `demo.seed`, in INSTALLED_APPS order.

Each app owns its demo data (accounts: municipalities and logins; plans: realistic plans...),
so this command depends on no app above accounts. What the apps say about their data (the logins,
where to look) is printed last, after the e-mails the seeding sends, in one block that says
where the demo runs and how staff get a TOTP code.
"""

from __future__ import annotations

import io
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
        said = io.StringIO()
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is not None:
                    import_module(module_name).seed(said)
        self.stdout.write(summary(said.getvalue()))


def summary(said: str) -> str:
    rule = "=" * 78
    site = settings.SITE_URL.rstrip("/")
    lines = [
        "",
        rule,
        f"ipplan demo data is ready. ipplan runs at {site}/ (Ctrl+C stops it)",
        rule,
        said.rstrip(),
        "",
        "Staff log in with a TOTP code as well; print the current one with",
        "  .venv/bin/python manage.py demo_totp <username>",
        f"Open {site}/ and log in.",
        rule,
    ]
    return "\n".join(lines)
