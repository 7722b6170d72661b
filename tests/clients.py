"""A test client whose forced logins look like real ones to the MFA requirement."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.test import Client, RequestFactory

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class StagedLoginClient(Client):
    def force_login(self, user, backend=None, *, mfa: bool | None = None):
        """Log `user` in as if through the login form and, when `mfa` (default: the account
        has a TOTP app or a security key), through the second-factor step too."""
        super().force_login(user, backend)
        authenticator = (
            Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).order_by("pk").first()
        )
        use_mfa = authenticator is not None if mfa is None else mfa
        records = [("password", {"username": user.get_username()})]
        if use_mfa:
            if authenticator is None:
                raise ValueError(f"{user} has no second factor to log in with")
            records.append(("mfa", {"id": authenticator.pk, "type": authenticator.type}))
        self.session_record(user, records)

    def session_record(self, user, records) -> None:
        """Write allauth authentication records (method, extra data) into this session."""
        request = RequestFactory().get("/")
        request.session = self.session
        for method, extra in records:
            record_authentication(request, user, method, **extra)
        request.session.save()
