"""The Maskinporten client against a token endpoint on 127.0.0.1 that checks the grant as
Maskinporten does: signature with the client's registered key, aud, iss, scope, iat/exp, jti."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from ipplan import maskinporten
from tests.support.local_http import LocalServer, Response

ISSUER = "https://test.maskinporten.no/"
CLIENT_ID = "ipplan-test-client"
KID = "ipplan-key-2026"


@pytest.fixture
def client_key(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "maskinporten.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key, path


@pytest.fixture
def token_server(settings, client_key):
    key, path = client_key
    server = LocalServer().start()
    seen_jti: set[str] = set()
    issued: list[dict] = []

    def token(request):
        form = request.form()
        if form.get("grant_type") != maskinporten.GRANT_TYPE:
            return Response(400, {"error": "unsupported_grant_type"})
        header = jwt.get_unverified_header(form["assertion"])
        if header.get("kid") != KID or header.get("alg") != "RS256":
            return Response(400, {"error": "invalid_grant", "error_description": "unknown key"})
        try:
            claims = jwt.decode(
                form["assertion"],
                key.public_key(),
                algorithms=["RS256"],
                audience=ISSUER,
                issuer=CLIENT_ID,
                options={"require": ["aud", "iss", "iat", "exp", "jti", "scope"]},
            )
        except jwt.InvalidTokenError as error:
            return Response(400, {"error": "invalid_grant", "error_description": str(error)})
        if claims["exp"] - claims["iat"] > 120 or claims["jti"] in seen_jti:
            return Response(400, {"error": "invalid_grant", "error_description": "MP-100"})
        known = {"aud", "iss", "iat", "exp", "jti", "scope", "resource", "consumer_org"}
        unknown = set(claims) - known
        if unknown:
            return Response(400, {"error": "invalid_request", "error_description": "claims"})
        seen_jti.add(claims["jti"])
        issued.append(claims)
        return Response(
            200,
            {
                "access_token": f"token-{len(issued)}",
                "token_type": "Bearer",
                "expires_in": 120,
                "scope": claims["scope"],
            },
        )

    server.route("POST", "/token", token)
    settings.IPPLAN_MASKINPORTEN_ISSUER = ISSUER
    settings.IPPLAN_MASKINPORTEN_TOKEN_URL = server.url + "/token"
    settings.IPPLAN_MASKINPORTEN_CLIENT_ID = CLIENT_ID
    settings.IPPLAN_MASKINPORTEN_KEY_FILE = str(path)
    settings.IPPLAN_MASKINPORTEN_KEY_ID = KID
    settings.IPPLAN_MASKINPORTEN_CERTIFICATE_FILE = ""
    settings.IPPLAN_MASKINPORTEN_TIMEOUT_SECONDS = 1
    settings.IPPLAN_MASKINPORTEN_ENABLED = True
    maskinporten.forget_tokens()
    server.issued = issued
    yield server
    maskinporten.forget_tokens()
    server.stop()


def test_a_signed_grant_gets_a_token_for_the_scopes(token_server):
    token = maskinporten.access_token(["krr:global/kontaktinformasjon.read"])
    assert token == "token-1"
    assert token_server.issued[0]["scope"] == "krr:global/kontaktinformasjon.read"
    assert token_server.issued[0]["aud"] == ISSUER


def test_the_token_is_reused_until_shortly_before_it_expires(token_server):
    first = maskinporten.access_token(["ks:fiks"])
    again = maskinporten.access_token(["ks:fiks"])
    other_scope = maskinporten.access_token(["krr:global/kontaktinformasjon.read"])
    assert first == again == "token-1"
    assert other_scope == "token-2"
    # Renewed when less than the margin is left.
    key = (("ks:fiks",), "", "")
    maskinporten._tokens[key] = maskinporten.Token(
        "token-1", "ks:fiks", time.monotonic() + maskinporten.RENEW_MARGIN_SECONDS - 1
    )
    assert maskinporten.access_token(["ks:fiks"]) == "token-3"


def test_a_delegated_token_names_the_consumer_and_is_kept_apart_per_consumer(token_server):
    """A supplier asks for each municipality's token with the municipality's organisation
    number (consumer_org); one municipality's token is never reused for another."""
    own = maskinporten.access_token(["ks:fiks"])
    first = maskinporten.access_token(["ks:fiks"], consumer_org="944496394")
    second = maskinporten.access_token(["ks:fiks"], consumer_org="964950768")
    assert len({own, first, second}) == 3
    assert maskinporten.access_token(["ks:fiks"], consumer_org="944496394") == first
    assert [claims.get("consumer_org") for claims in token_server.issued] == [
        None,
        "944496394",
        "964950768",
    ]


def test_an_audience_restricted_token_names_its_resource(token_server):
    maskinporten.access_token(["ks:fiks"], resource="https://api.fiks.test.ks.no")
    assert token_server.issued[0]["resource"] == "https://api.fiks.test.ks.no"


def test_a_refusal_is_an_error_with_maskinporten_s_own_words(token_server, settings):
    settings.IPPLAN_MASKINPORTEN_KEY_ID = "a-key-maskinporten-does-not-know"
    with pytest.raises(maskinporten.MaskinportenError, match="unknown key"):
        maskinporten.access_token(["ks:fiks"])


def test_a_hung_maskinporten_fails_within_the_timeout(token_server):
    token_server.route("POST", "/token", Response(200, {}, delay=5))
    started = time.monotonic()
    with pytest.raises(maskinporten.MaskinportenError, match="unreachable"):
        maskinporten.access_token(["ks:fiks"])
    assert time.monotonic() - started < 3


def test_an_answer_without_a_token_is_an_error(token_server):
    token_server.route("POST", "/token", Response(200, {"token_type": "Bearer"}))
    with pytest.raises(maskinporten.MaskinportenError, match="no access_token"):
        maskinporten.access_token(["ks:fiks"])


def test_without_settings_it_is_off(settings):
    settings.IPPLAN_MASKINPORTEN_ENABLED = False
    assert not maskinporten.enabled()
    with pytest.raises(maskinporten.MaskinportenError, match="not configured"):
        maskinporten.access_token(["ks:fiks"])


def test_check_names_what_a_half_configured_maskinporten_lacks(settings):
    settings.IPPLAN_MASKINPORTEN_ISSUER = ISSUER
    settings.IPPLAN_MASKINPORTEN_CLIENT_ID = ""
    settings.IPPLAN_MASKINPORTEN_KEY_FILE = "/nonexistent/key.pem"
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    message = str(error.value)
    assert "IPPLAN_MASKINPORTEN_CLIENT_ID is not set" in message
    assert "IPPLAN_MASKINPORTEN_KEY_FILE names no file" in message


def test_check_is_quiet_when_maskinporten_is_off_or_whole(settings, client_key):
    settings.IPPLAN_MASKINPORTEN_ISSUER = ""
    settings.IPPLAN_MASKINPORTEN_CLIENT_ID = ""
    settings.IPPLAN_MASKINPORTEN_KEY_FILE = ""
    call_command("check")
    settings.IPPLAN_MASKINPORTEN_ISSUER = ISSUER
    settings.IPPLAN_MASKINPORTEN_CLIENT_ID = CLIENT_ID
    settings.IPPLAN_MASKINPORTEN_KEY_FILE = str(client_key[1])
    settings.IPPLAN_MASKINPORTEN_KEY_ID = KID
    call_command("check")


def test_with_a_business_certificate_the_grant_carries_its_chain(token_server, settings, tmp_path):
    import base64
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = maskinporten._private_key(settings.IPPLAN_MASKINPORTEN_KEY_FILE)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Testkommune")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "business.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    settings.IPPLAN_MASKINPORTEN_CERTIFICATE_FILE = str(path)

    assertion = maskinporten.grant(["ks:fiks"])
    header = jwt.get_unverified_header(assertion)
    assert "kid" not in header
    sent = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    # The server can check the signature with the certificate the grant carries.
    claims = jwt.decode(assertion, sent.public_key(), algorithms=["RS256"], audience=ISSUER)
    assert claims["iss"] == CLIENT_ID
