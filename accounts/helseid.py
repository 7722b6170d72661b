"""HelseID login for health personnel (GPs, the specialist health service), through allauth's
generic OpenID Connect provider.

HelseID (Norsk helsenett) is OpenID Connect with these rules of its own, as its developer
documentation gives them (utviklerportal.nhn.no, HelseID: "Claims", "Scopes", "Client
assertion"):
- every client authenticates at the token endpoint with `private_key_jwt`: a JWT signed with the
  client's key, iss = sub = client id, aud = HelseID's issuer, a unique jti, exp at most 60 s
  ahead (no client secret exists);
- the person comes in `helseid://claims/identity/pid` (national identity number), the
  health-personnel number in `helseid://claims/hpr/hpr_number` and the level of the login in
  `helseid://claims/identity/security_level` (2, 3 or 4; 4 is BankID, Buypass, Commfides).

What ipplan does with a HelseID login:
- below the required level (4 by default) the login is refused;
- it never creates an account and never creates access: it logs in an account the municipality
  made, found by the HelseID subject it was linked to before, by the HPR number an earlier
  verified HelseID login stored on it, or by the verified national identity number of an account
  with an active staff role. Access to plans still comes only from the owner's grants;
- HPR numbers are public, so an HPR number typed by someone else never links an account: the
  person links HelseID from their own security page while logged in with password and second
  factor, and the number is then taken from HelseID's token;
- a level-4 HelseID login is itself two-factor, so the session counts as having used a second
  factor (accounts.login_flow.session_used_mfa).
"""

from __future__ import annotations

import copy
import logging
import secrets
import time
import uuid
from functools import cache
from pathlib import Path

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Client
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts import crypto, national_id

security_log = logging.getLogger("ipplan.security")

PROVIDER_ID = "helseid"
PID = "helseid://claims/identity/pid"
HPR_NUMBER = "helseid://claims/hpr/hpr_number"
SECURITY_LEVEL = "helseid://claims/identity/security_level"
SCOPES = [
    "openid",
    "profile",
    "helseid://scopes/identity/pid",
    "helseid://scopes/identity/security_level",
    "helseid://scopes/hpr/hpr_number",
]
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# HelseID accepts a client assertion that expires at most 60 seconds ahead.
ASSERTION_LIFETIME_SECONDS = 50

LEVEL_TOO_LOW = _(
    "Du logget inn i HelseID med et for lavt sikkerhetsnivå. Logg inn med BankID, Buypass "
    "eller Commfides (sikkerhetsnivå 4)."
)
NO_IDENTITY = _("HelseID sendte ikke et gyldig fødselsnummer. Prøv igjen, eller kontakt kommunen.")
NO_ACCOUNT = _(
    "Du har ingen konto i ipplan som er knyttet til HelseID. Logg inn med brukernavn, passord og "
    "kode én gang, og koble HelseID til kontoen under «Sikkerhet». Har du ingen konto, får du en "
    "invitasjon fra kommunen når en plan du skal delta i, trenger deg."
)
NOT_STAFF = _(
    "HelseID er for helsepersonell som deltar i planer. Kontoen med ditt fødselsnummer har "
    "ingen rolle i en kommune. Logg inn med ID-porten i stedet."
)
WRONG_PERSON = _("Du logget inn i HelseID som en annen person enn den som eier denne brukeren.")
ALREADY_LINKED = _("Denne HelseID-identiteten er allerede knyttet til en annen bruker.")


def enabled() -> bool:
    return bool(settings.HELSEID_ENABLED)


def security_level(claims: dict) -> int:
    try:
        return int(str(claims.get(SECURITY_LEVEL, "")))
    except ValueError:
        return 0


def hpr_number(claims: dict) -> str:
    """The HPR number if the token carries a well-formed one (digits only), else ""."""
    value = str(claims.get(HPR_NUMBER) or "").strip()
    return value if value.isdigit() and len(value) <= 9 else ""


def sociallogin_from_response(provider, request, response, refuse):
    """HelseID's checks on the token before allauth builds the login (provider hook)."""
    claims = response.get("id_token") or {}
    required = settings.HELSEID_REQUIRED_SECURITY_LEVEL
    if security_level(claims) < required:
        refuse(
            request,
            LEVEL_TOO_LOW,
            reason=f"helseid security_level {claims.get(SECURITY_LEVEL)!r} below {required}",
        )
    try:
        parsed = national_id.parse(str(claims.get(PID) or ""))
    except ValidationError:
        refuse(request, NO_IDENTITY, reason="helseid: missing or invalid pid claim")
    sociallogin = provider.base_sociallogin_from_response(request, scrub(response))
    sociallogin.user.set_national_id(parsed.value)
    sociallogin.user.hpr_number = hpr_number(claims)
    return sociallogin


def scrub(response: dict) -> dict:
    """A copy of the token data without the national identity number in plaintext."""
    scrubbed = copy.deepcopy(response)
    for part in ("id_token", "userinfo"):
        claims = scrubbed.get(part)
        if isinstance(claims, dict) and PID in claims:
            claims["pid_digest"] = crypto.digest(national_id.normalise(str(claims.pop(PID))))
    return scrubbed


def pre_social_login(request, sociallogin, refuse, user_model, is_staff_member):
    """Which account a HelseID login is: never a new one (adapter hook)."""
    claims = sociallogin.account.extra_data.get("id_token", {})
    digest = claims.get("pid_digest")
    hpr = sociallogin.user.hpr_number
    if sociallogin.is_existing:
        stored = sociallogin.user
        if stored.national_id_digest and stored.national_id_digest != digest:
            refuse(request, ALREADY_LINKED, reason="helseid subject linked to another person")
        return
    if (sociallogin.state or {}).get("process") == "connect":
        _connect(request, sociallogin, digest, hpr, refuse, user_model)
        return
    candidate = None
    if hpr:
        candidate = user_model.objects.filter(hpr_number=hpr, is_active=True).first()
    if candidate is None and digest:
        candidate = user_model.objects.filter(national_id_digest=digest, is_active=True).first()
        if candidate is not None and not is_staff_member(candidate):
            refuse(request, NOT_STAFF, reason="helseid identity of a user without a staff role")
    if candidate is None:
        refuse(request, NO_ACCOUNT, reason="helseid identity with no linked account")
    if candidate.national_id_digest and candidate.national_id_digest != digest:
        refuse(request, WRONG_PERSON, reason="helseid hpr number of another person")
    sociallogin.connect(request, candidate)
    _remember_hpr(candidate, hpr)
    security_log.info("helseid identity linked to existing user id=%s", candidate.pk)


def _connect(request, sociallogin, digest, hpr, refuse, user_model):
    """A logged-in member of staff links HelseID to their own account: same person only."""
    current = request.user
    if current.national_id_digest and current.national_id_digest != digest:
        refuse(request, WRONG_PERSON, reason="helseid connect with a different person")
    if user_model.objects.filter(national_id_digest=digest).exclude(pk=current.pk).exists():
        refuse(request, ALREADY_LINKED, reason="helseid connect to identity of another user")
    if hpr and user_model.objects.filter(hpr_number=hpr).exclude(pk=current.pk).exists():
        refuse(request, ALREADY_LINKED, reason="helseid connect with another user's hpr number")
    fields = []
    if not current.national_id_digest:
        verified = sociallogin.user
        current.national_id_digest = verified.national_id_digest
        current.national_id_encrypted = verified.national_id_encrypted
        current.birth_date = verified.birth_date
        fields += ["national_id_digest", "national_id_encrypted", "birth_date"]
    if hpr and current.hpr_number != hpr:
        current.hpr_number = hpr
        fields.append("hpr_number")
    if fields:
        current.save(update_fields=fields)


def _remember_hpr(user, hpr: str) -> None:
    if hpr and user.hpr_number != hpr:
        user.hpr_number = hpr
        user.save(update_fields=["hpr_number"])


# --- private_key_jwt at the token endpoint ---------------------------------------------------


@cache
def _private_key(path: str):
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


def client_assertion(client_id: str, audience: str, *, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ASSERTION_LIFETIME_SECONDS,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(
        claims,
        _private_key(settings.HELSEID_KEY_FILE),
        algorithm="RS256",
        headers={"kid": settings.HELSEID_KEY_ID, "typ": "JWT"},
    )


class PrivateKeyJWTClient(OAuth2Client):
    """allauth's OAuth2 client, authenticating with a signed client assertion instead of a
    secret (allauth has no private_key_jwt of its own)."""

    issuer = ""

    def get_access_token(self, code, pkce_code_verifier=None, extra_data=None):
        self.basic_auth = False
        self.consumer_secret = ""
        extra = dict(extra_data or {})
        extra["client_assertion_type"] = CLIENT_ASSERTION_TYPE
        extra["client_assertion"] = client_assertion(self.consumer_key, self.issuer)
        return super().get_access_token(code, pkce_code_verifier, extra_data=extra)


class HelseIDAdapter(OpenIDConnectOAuth2Adapter):
    client_class = PrivateKeyJWTClient

    @property
    def basic_auth(self):
        return False

    def get_client(self, request, app):
        client = super().get_client(request, app)
        client.issuer = self.openid_config["issuer"]
        return client


@login_not_required
def callback(request, provider_id=PROVIDER_ID):
    """HelseID's callback: allauth's, with the token request signed by our key."""
    if provider_id != PROVIDER_ID or not enabled():
        raise Http404
    try:
        view = OAuth2CallbackView.adapter_view(HelseIDAdapter(request, PROVIDER_ID))
        return view(request)
    except SocialApp.DoesNotExist as missing:
        raise Http404 from missing


def new_nonce() -> str:
    return secrets.token_urlsafe(24)
