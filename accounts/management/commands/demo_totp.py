"""Print the current TOTP code of a demo user, so a person or a browser test can log in."""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def current_code(username: str, *, at: float | None = None) -> str:
    authenticator = Authenticator.objects.filter(
        user__username=username, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None:
        raise CommandError(f"{username} has no authenticator app enrolled.")
    secret = decrypt(authenticator.data["secret"])
    counter = int(at if at is not None else time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


class Command(BaseCommand):
    help = "Print the current TOTP code for a demo user (embedded demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.EMBEDDED_MODE:
            raise CommandError(
                "demo_totp only runs in the embedded demo (no DATABASE_URL, REDIS_URL or "
                "DJANGO_ENV=production): it would reveal a second factor."
            )
        self.stdout.write(current_code(username))
