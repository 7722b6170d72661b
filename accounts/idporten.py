"""ID-porten login through allauth's generic OpenID Connect provider (HelseID shares the class
and has its own rules in accounts.helseid).

The subclass (configured by SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]) adds
what ID-porten needs on top of the generic provider:
- a nonce in every authorization request, checked against the ID token (accounts.adapters);
- acr_values asking for the required level, and refusal of an ID token below it;
- the `pid` claim (the national identity number) never stored in plaintext: it is validated,
  set encrypted on the user object and replaced by its keyed digest in `extra_data`.
"""

from __future__ import annotations

import copy
import logging
import secrets

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts import crypto, national_id

security_log = logging.getLogger("ipplan.security")

LEVEL_TOO_LOW = _(
    "Du logget inn med et for lavt sikkerhetsnivå. Planen din inneholder helseopplysninger, "
    "så du må logge inn med BankID, Buypass eller Commfides (sikkerhetsnivå høyt)."
)
NO_IDENTITY = _(
    "ID-porten sendte ikke et gyldig fødselsnummer. Prøv igjen, eller kontakt kommunen."
)
NONCE_MISMATCH = _("Innloggingen kunne ikke bekreftes. Start innloggingen på nytt.")


def acr_rank(acr: str | None) -> int:
    try:
        return settings.IDPORTEN_ACR_LEVELS.index(acr)
    except ValueError:
        return -1


def refuse(request, message, *, reason: str):
    security_log.warning("idporten login refused: %s", reason)
    response = render(request, "account/idporten_refused.html", {"message": message}, status=403)
    raise ImmediateHttpResponse(response)


class IDPortenProvider(OpenIDConnectProvider):
    # allauth finds the provider's URLs (login/callback) through its package.
    package = "allauth.socialaccount.providers.openid_connect"

    def get_default_scope(self):
        return ["openid", "profile"]

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(24)
        auth_params = kwargs.get("auth_params")
        if auth_params is None:
            auth_params = self.get_auth_params()
        kwargs["auth_params"] = {**auth_params, "nonce": nonce}
        # The nonce is kept in allauth's per-login state and compared in pre_social_login.
        return super().redirect(request, process, next_url, data, nonce=nonce, **kwargs)

    def base_sociallogin_from_response(self, request, response):
        return super().sociallogin_from_response(request, response)

    def sociallogin_from_response(self, request, response):
        if self.app.provider_id == "helseid":
            # HelseID (health personnel) shares this provider class: allauth takes one class
            # for every OpenID Connect app. Its own rules are in accounts.helseid.
            from accounts import helseid

            return helseid.sociallogin_from_response(self, request, response, refuse)
        claims = response.get("id_token") or {}
        required = settings.IDPORTEN_REQUIRED_ACR
        if acr_rank(claims.get("acr")) < acr_rank(required):
            refuse(request, LEVEL_TOO_LOW, reason=f"acr {claims.get('acr')!r} below {required}")
        raw_pid = claims.get("pid") or (response.get("userinfo") or {}).get("pid")
        try:
            parsed = national_id.parse(str(raw_pid or ""))
        except ValidationError:
            refuse(request, NO_IDENTITY, reason="missing or invalid pid claim")
        sociallogin = super().sociallogin_from_response(request, scrub_pid(response))
        sociallogin.user.set_national_id(parsed.value)
        return sociallogin


def scrub_pid(response: dict) -> dict:
    """A copy of the token data in which `pid` is replaced by its keyed digest."""
    scrubbed = copy.deepcopy(response)
    for part in ("id_token", "userinfo"):
        claims = scrubbed.get(part)
        if isinstance(claims, dict) and "pid" in claims:
            claims["pid_digest"] = crypto.digest(national_id.normalise(str(claims.pop("pid"))))
    return scrubbed
