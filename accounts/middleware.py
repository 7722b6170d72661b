"""The one place that keeps staff without a second factor away from plan and case data."""

from __future__ import annotations

from django.shortcuts import redirect

from accounts.roles import user_has_mfa, user_requires_mfa

# What a staff member without MFA may still reach: setting MFA up, logging out, the language
# switch, the explanation page and the health check.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_generate_recovery_codes",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "set_language",
        "healthz",
        "accounts:mfa_required",
    }
)


class StaffMFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user_requires_mfa(user) or user_has_mfa(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in MFA_SETUP_URL_NAMES:
            return None
        return redirect("accounts:mfa_required")
