"""The one place that keeps staff without a second factor away from plan and case data.

It asks whether this session used the second factor (allauth's authentication records), not
just whether the account has one: a session that got in some other way gets nothing until it
authenticates with the second factor (or enrols one, if the account has none)."""

from __future__ import annotations

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.login_flow import session_used_mfa
from accounts.roles import user_has_mfa, user_requires_mfa

# What a session that has not used a second factor may still reach when the account has one:
# authenticating with it, logging out, the language switch and the health check. Nothing that
# manages authenticators: with only a password, new recovery codes or a new key would be a
# second factor made from the first.
MFA_PENDING_URL_NAMES = frozenset(
    {
        "mfa_reauthenticate",
        "account_logout",
        "set_language",
        "healthz",
        "healthz_live",
        "healthz_ready",
        "accounts:mfa_required",
    }
)

# What a staff member whose account has no second factor yet may reach: setting one up too.
MFA_SETUP_URL_NAMES = MFA_PENDING_URL_NAMES | frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_generate_recovery_codes",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
    }
)


class StaffMFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user_requires_mfa(user) or session_used_mfa(request, user):
            return None
        match = request.resolver_match
        view_name = match.view_name if match is not None else None
        if user_has_mfa(user):
            if view_name in MFA_PENDING_URL_NAMES:
                return None
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        if view_name in MFA_SETUP_URL_NAMES:
            return None
        return redirect("accounts:mfa_required")
