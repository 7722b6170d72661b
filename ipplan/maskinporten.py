"""Access tokens from Maskinporten, for the national services ipplan talks to (KRR, Fiks).

The protocol is the JWT grant of RFC 7523 as Digdir documents it
(https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant and
https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_token):
the client signs a short-lived JWT with its key (RS256; `kid` for a key registered with the
client, or `x5c` with the business certificate chain), with `aud` = Maskinporten's issuer
identifier, `iss` = the client id, the wanted `scope`, `iat`, `exp` (at most 120 s later) and a
unique `jti`, and POSTs it as `assertion` with grant_type jwt-bearer to the token endpoint.
Maskinporten refuses claims it does not know, so we send no others.

A supplier acting for an organisation that delegated the scope to it in Altinn adds that
organisation's number as `consumer_org` (docs.digdir.no, "Delegering i Maskinporten"): ipplan's
operator does so for each municipality it serves (ipplan/fiks_setup.py). Tokens are kept per
(scopes, resource, consumer_org), so one municipality's token never goes out for another.

Tokens are kept per process until shortly before they expire. Every request has a timeout, and a
failure raises MaskinportenError, which callers (outbox senders, contact lookups) treat as "try
again later": no user's save or login waits on Maskinporten.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import httpx
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Maskinporten accepts a grant whose exp is at most 120 seconds after iat.
GRANT_LIFETIME_SECONDS = 100
# A token is renewed when it has less than this left, so a call never starts with a token that
# expires on the way.
RENEW_MARGIN_SECONDS = 30


class MaskinportenError(Exception):
    """No token: Maskinporten refused, answered nonsense, or could not be reached in time."""


@dataclass(frozen=True)
class Token:
    value: str
    scope: str
    expires_at: float  # time.monotonic()

    def fresh(self) -> bool:
        return time.monotonic() < self.expires_at - RENEW_MARGIN_SECONDS


def enabled() -> bool:
    return bool(settings.IPPLAN_MASKINPORTEN_ENABLED)


def token_endpoint() -> str:
    return settings.IPPLAN_MASKINPORTEN_TOKEN_URL or (
        settings.IPPLAN_MASKINPORTEN_ISSUER.rstrip("/") + "/token"
    )


@cache
def _private_key(path: str):
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


@cache
def _certificate_chain(path: str) -> tuple[str, ...]:
    """The business certificate chain as `x5c` wants it: base64 DER, the client's own first."""
    certificates = x509.load_pem_x509_certificates(Path(path).read_bytes())
    return tuple(
        base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
        for cert in certificates
    )


def grant(
    scopes: Sequence[str], *, resource: str = "", consumer_org: str = "", now: float | None = None
) -> str:
    """The signed JWT grant asking for these scopes."""
    issued = int(time.time() if now is None else now)
    claims = {
        "aud": settings.IPPLAN_MASKINPORTEN_ISSUER,
        "iss": settings.IPPLAN_MASKINPORTEN_CLIENT_ID,
        "scope": " ".join(scopes),
        "iat": issued,
        "exp": issued + GRANT_LIFETIME_SECONDS,
        "jti": str(uuid.uuid4()),
    }
    if resource:
        # Audience-restricted token: the API it is meant for.
        claims["resource"] = resource
    if consumer_org:
        # Delegation: the token is for this organisation, which gave us the scope in Altinn.
        claims["consumer_org"] = consumer_org
    headers: dict[str, object] = {}
    if settings.IPPLAN_MASKINPORTEN_CERTIFICATE_FILE:
        headers["x5c"] = list(_certificate_chain(settings.IPPLAN_MASKINPORTEN_CERTIFICATE_FILE))
    else:
        headers["kid"] = settings.IPPLAN_MASKINPORTEN_KEY_ID
    key = _private_key(settings.IPPLAN_MASKINPORTEN_KEY_FILE)
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)


_tokens: dict[tuple[tuple[str, ...], str, str], Token] = {}
_lock = threading.Lock()


def access_token(scopes: Sequence[str], *, resource: str = "", consumer_org: str = "") -> str:
    """A valid access token for these scopes (for `consumer_org` when given), from the
    process's store or a new grant."""
    if not enabled():
        raise MaskinportenError("Maskinporten is not configured")
    key = (tuple(sorted(scopes)), resource, consumer_org)
    with _lock:
        token = _tokens.get(key)
        if token and token.fresh():
            return token.value
    token = _request(scopes, resource, consumer_org)
    with _lock:
        _tokens[key] = token
    return token.value


def forget_tokens() -> None:
    """Drop every stored token (tests, and a change of key)."""
    with _lock:
        _tokens.clear()


def _request(scopes: Sequence[str], resource: str, consumer_org: str) -> Token:
    started = time.monotonic()
    try:
        response = httpx.post(
            token_endpoint(),
            data={
                "grant_type": GRANT_TYPE,
                "assertion": grant(scopes, resource=resource, consumer_org=consumer_org),
            },
            headers={"Accept": "application/json"},
            timeout=settings.IPPLAN_MASKINPORTEN_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as error:
        raise MaskinportenError(f"Maskinporten unreachable: {type(error).__name__}") from error
    try:
        answer = response.json()
    except ValueError as error:
        status = response.status_code
        raise MaskinportenError(f"Maskinporten answered {status}, not JSON") from error
    if response.status_code != 200 or not isinstance(answer, dict):
        # error and error_description are Maskinporten's own words (no secret of ours).
        detail = ""
        if isinstance(answer, dict):
            detail = answer.get("error_description") or answer.get("error") or ""
        raise MaskinportenError(f"Maskinporten refused ({response.status_code}): {detail}")
    value = answer.get("access_token")
    expires_in = answer.get("expires_in")
    if not isinstance(value, str) or not value or not isinstance(expires_in, int):
        raise MaskinportenError("Maskinporten's answer has no access_token or expires_in")
    return Token(value=value, scope=str(answer.get("scope", "")), expires_at=started + expires_in)
