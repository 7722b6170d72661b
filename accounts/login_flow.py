"""How a session gets logged in, and what it proved on the way.

Every login goes through allauth's login flow, so every stage runs (the second factor
whenever the account has one): our own entry points (a redeemed set-up code, a signup from an
invitation) never call django's `login()` directly. allauth keeps a record of each
authentication method the session used; the MFA requirement reads those records, not just
whether the account has an authenticator.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import perform_login, record_authentication
from allauth.account.models import Login
from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse

from accounts.models import User

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def session_used_mfa(request: HttpRequest, user: User) -> bool:
    """Did this session authenticate `user` with a second factor (at login, when enrolling
    it, or when re-authenticating)?"""
    if not getattr(request, "session", None):
        return False
    return any(
        record.get("method") == "mfa"
        # HelseID refuses logins below level 4 (BankID, Buypass, Commfides), which are
        # two-factor themselves (accounts.helseid).
        or (record.get("method") == "socialaccount" and record.get("provider") == "helseid")
        for record in get_authentication_records(request, user)
    )


def login_through_stages(
    request: HttpRequest, user: User, *, method: str, redirect_url: str
) -> HttpResponse:
    """Log `user` in through allauth's stages after they proved `method` (e.g. a set-up code
    with a new password). If the account has a second factor, the response asks for it and
    the session is not logged in until it is given."""
    record_authentication(request, user, method=method)
    return perform_login(request, Login(user=user, redirect_url=redirect_url))


def record_enrolled_second_factor(request: HttpRequest, user: User, authenticator) -> None:
    """Enrolling a TOTP app or a security key proves it (allauth asks for a code or a
    signature), so the session that enrolled it has used a second factor."""
    if authenticator.type not in SECOND_FACTORS or request is None:
        return
    if getattr(getattr(request, "user", None), "pk", None) != user.pk:
        return
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
    )
