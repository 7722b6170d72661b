"""Cross-cutting HTTP behaviour: the permissions policy, caching of personal pages and the
absolute session lifetime."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SESSION_LOGIN_AT = "ipplan_login_at"
SESSION_SAVED_AT = "ipplan_saved_at"
SESSION_EXPIRED = _("Du har vært innlogget lenge, så økten er avsluttet. Logg inn på nytt.")


def permissions_policy_middleware(get_response):
    """Switch off browser features ipplan never uses (camera, microphone, location, payment...)
    on every response. It sits outside WhiteNoise, so static files get the header too."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def probe_middleware(get_response):
    """Liveness and readiness answer before the session and the user are loaded: a probe
    that carries a session cookie must not need the database to learn the process is alive."""
    from ipplan.views import healthz_live, healthz_ready

    probes = {"/healthz/live": healthz_live, "/healthz/ready": healthz_ready}

    def middleware(request):
        probe = probes.get(request.path_info)
        return probe(request) if probe else get_response(request)

    return middleware


def no_store_middleware(get_response):
    """Nothing ipplan renders may be kept by a browser or proxy cache (static files excepted)."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Cache-Control", "no-store, private")
        return response

    return middleware


def session_lifetime_middleware(get_response):
    """End a session that has lasted longer than SESSION_ABSOLUTE_MAX_AGE, however active.

    The idle timeout is the session cookie age (saved on every request); this caps the total.
    The login time is written by accounts.signals when a user logs in.
    """

    def middleware(request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_LOGIN_AT)
            now = timezone.now().timestamp()
            if started is None:
                request.session[SESSION_LOGIN_AT] = now
            elif now - started > settings.SESSION_ABSOLUTE_MAX_AGE.total_seconds():
                logout(request)
                messages.info(request, SESSION_EXPIRED)
                return redirect(settings.LOGIN_URL)
        return get_response(request)

    return middleware


def session_touch_middleware(get_response):
    """Keep the sliding idle timeout without rewriting the session row on every request.

    SESSION_SAVE_EVERY_REQUEST is off: a session is saved when something in it changed, and
    otherwise at most once every SESSION_TOUCH_SECONDS (the save moves its expiry to now +
    SESSION_COOKIE_AGE). The idle timeout is therefore exact to within that interval: a
    session ends at most SESSION_TOUCH_SECONDS earlier than 30 minutes after the last request.
    The time of the last save is kept in the session itself, so this costs no query.
    """

    def middleware(request):
        session = request.session
        now = timezone.now().timestamp()
        # An empty session (anonymous, or a cookie whose row expired) is never created here.
        if not session.is_empty() and session.keys():
            saved = session.get(SESSION_SAVED_AT)
            if saved is None or not 0 <= now - saved < settings.SESSION_TOUCH_SECONDS:
                session.modified = True
        response = get_response(request)
        if session.modified and session.keys():
            # It will be saved anyway (new login, flash message, touch): remember when.
            session[SESSION_SAVED_AT] = now
        return response

    return middleware
