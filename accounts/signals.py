"""Security events go to the `ipplan.security` log: no secrets, tokens or identity numbers.

(Signal receivers here only record; they hold no business rules.)
"""

from __future__ import annotations

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.utils import timezone

from accounts.login_flow import record_enrolled_second_factor
from accounts.models import SecurityEvent
from accounts.notifications import contact_refresh_after_login
from accounts.security import security_event_record
from ipplan.middleware import SESSION_LOGIN_AT, SESSION_SAVED_AT

Kind = SecurityEvent.Kind


@receiver(auth_signals.user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_SAVED_AT] = now  # logging in saves the session
    security_event_record(Kind.LOGIN, user=user, request=request)
    contact_refresh_after_login(user)


@receiver(auth_signals.user_logged_out)
def on_logout(sender, request, user, **kwargs):
    security_event_record(Kind.LOGOUT, user=user, request=request)


@receiver(auth_signals.user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is not logged: it is often a password typed in the wrong field.
    security_event_record(Kind.LOGIN_FAILED, request=request)


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(sender, request, user, authenticator, **kwargs):
    security_event_record(Kind.MFA_ADDED, user=user, request=request, detail=authenticator.type)
    record_enrolled_second_factor(request, user, authenticator)


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs):
    security_event_record(Kind.MFA_REMOVED, user=user, request=request, detail=authenticator.type)
