"""Security events go to the `ipplan.security` log: no secrets, tokens or identity numbers.

(Signal receivers here only record; they hold no business rules.)
"""

from __future__ import annotations

import logging

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.utils import timezone

from ipplan.middleware import SESSION_LOGIN_AT

security_log = logging.getLogger("ipplan.security")


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "-") if request is not None else "-"


@receiver(auth_signals.user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    security_log.info("login success user_id=%s client=%s", user.pk, _client(request))


@receiver(auth_signals.user_logged_out)
def on_logout(sender, request, user, **kwargs):
    security_log.info("logout user_id=%s", getattr(user, "pk", None))


@receiver(auth_signals.user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is not logged: it is often a password typed in the wrong field.
    security_log.warning("login failure client=%s", _client(request))


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(sender, request, user, authenticator, **kwargs):
    security_log.info("mfa added type=%s user_id=%s", authenticator.type, user.pk)


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs):
    security_log.warning("mfa removed type=%s user_id=%s", authenticator.type, user.pk)
