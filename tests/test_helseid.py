"""HelseID login end to end against a real OpenID Connect server on 127.0.0.1.

The server is oidc-provider-mock with one addition that makes it behave as HelseID does at the
token endpoint: it refuses any token request that is not authenticated with a client assertion
(private_key_jwt) signed by the client's registered key, with iss = sub = client id, aud = the
issuer, a fresh jti and exp at most 60 s ahead.
"""

from __future__ import annotations

import datetime
import io
import json
import threading
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import jwt
import pytest
import werkzeug.serving
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from oidc_provider_mock import User as MockUser
from oidc_provider_mock import app as oidc_app

from accounts import helseid
from accounts.models import StaffMembership
from tests.factories import synthetic_national_id

CLIENT_ID = "ipplan-helseid-test"
KID = "ipplan-helseid-key"
GP_PID = synthetic_national_id(datetime.date(1975, 3, 14))
OTHER_PID = synthetic_national_id(datetime.date(1980, 6, 2))
CITIZEN_PID = synthetic_national_id(datetime.date(1990, 1, 5))
HPR = "565501872"


def claims(pid: str, *, level: str = "4", hpr: str = HPR) -> dict:
    return {
        helseid.PID: pid,
        helseid.SECURITY_LEVEL: level,
        helseid.HPR_NUMBER: hpr,
        "given_name": "Gunnar",
        "family_name": "Fastlege",
    }


@pytest.fixture(scope="module")
def client_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def helseid_server(client_key):
    users = [
        MockUser(sub="gp", claims=claims(GP_PID)),
        MockUser(sub="gp-level-3", claims=claims(GP_PID, level="3")),
        MockUser(sub="other-person", claims=claims(OTHER_PID, hpr="")),
        MockUser(sub="citizen", claims=claims(CITIZEN_PID, hpr="")),
        MockUser(sub="hpr-of-gp-other-pid", claims=claims(OTHER_PID)),
    ]
    app = oidc_app(require_nonce=True, user_claims=users)
    seen_jti: set[str] = set()
    refused: list[str] = []

    def private_key_jwt_problem(form: dict) -> str | None:
        if "client_secret" in form:
            return "client secrets are not accepted"
        if form.get("client_assertion_type") != helseid.CLIENT_ASSERTION_TYPE:
            return "no client assertion"
        try:
            header = jwt.get_unverified_header(form["client_assertion"])
            assertion = jwt.decode(
                form["client_assertion"],
                client_key.public_key(),
                algorithms=["RS256"],
                audience=[issuer[0], issuer[0].rstrip("/")],
                issuer=CLIENT_ID,
                options={"require": ["iss", "sub", "aud", "exp", "iat", "nbf", "jti"]},
            )
        except jwt.InvalidTokenError as error:
            return str(error)
        if header.get("kid") != KID or assertion["sub"] != CLIENT_ID:
            return "wrong key or subject"
        if assertion["exp"] - assertion["iat"] > 60 or assertion["jti"] in seen_jti:
            return "assertion too long-lived or replayed"
        seen_jti.add(assertion["jti"])
        return None

    mock_wsgi = app.wsgi_app

    def helseid_token_endpoint(environ, start_response):
        """Verify private_key_jwt as HelseID does, then hand the code exchange to the mock
        (which knows only secrets)."""
        if environ["PATH_INFO"] != "/oauth2/token" or environ["REQUEST_METHOD"] != "POST":
            return mock_wsgi(environ, start_response)
        if environ.get("HTTP_AUTHORIZATION"):
            problem = "client secrets are not accepted"
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            form = {key: values[0] for key, values in parse_qs(body).items()}
            problem = private_key_jwt_problem(form)
        if problem:
            refused.append(problem)
            payload = json.dumps({"error": "invalid_client", "error_description": problem})
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [payload.encode()]
        form.pop("client_assertion")
        form.pop("client_assertion_type")
        # The mock takes any secret for an unregistered client; the assertion was the proof.
        form["client_secret"] = "verified-by-client-assertion"
        rewritten = urlencode(form).encode()
        environ["wsgi.input"] = io.BytesIO(rewritten)
        environ["CONTENT_LENGTH"] = str(len(rewritten))
        return mock_wsgi(environ, start_response)

    app.wsgi_app = helseid_token_endpoint
    issuer = [""]

    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    url = f"http://localhost:{server.server_port}/"
    issuer[0] = httpx.get(url + ".well-known/openid-configuration").json()["issuer"]
    server.refused = refused
    server.url = url
    yield server
    server.shutdown()
    thread.join()


@pytest.fixture
def helseid_on(settings, helseid_server, client_key, tmp_path):
    key_file = tmp_path / "helseid.pem"
    key_file.write_bytes(
        client_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    helseid._private_key.cache_clear()
    settings.HELSEID_ENABLED = True
    settings.HELSEID_ISSUER = helseid_server.url
    settings.HELSEID_CLIENT_ID = CLIENT_ID
    settings.HELSEID_KEY_FILE = str(key_file)
    settings.HELSEID_KEY_ID = KID
    settings.HELSEID_REQUIRED_SECURITY_LEVEL = 4
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [
                {
                    "provider_id": "helseid",
                    "name": "HelseID",
                    "client_id": CLIENT_ID,
                    "secret": "",
                    "settings": {
                        "server_url": helseid_server.url,
                        "oauth_pkce_enabled": True,
                        "fetch_userinfo": False,
                        "scope": ["openid", "profile"],
                    },
                }
            ],
        }
    }
    helseid_server.refused.clear()
    yield helseid_server
    helseid._private_key.cache_clear()


def helseid_login(client, sub: str, *, process: str | None = None):
    data = {"process": process} if process else {}
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "helseid"}), data)
    assert start.status_code == 302, start
    authorize = urlsplit(start["Location"])
    params = parse_qs(authorize.query)
    assert params["nonce"][0] and params["code_challenge"][0]
    query = urlencode({k: v[0] for k, v in params.items()})
    provider = httpx.post(urlunsplit(authorize._replace(query=query)), data={"sub": sub})
    assert provider.status_code == 302, provider.text
    callback = urlsplit(provider.headers["location"])
    return client.get(f"{callback.path}?{callback.query}")


@pytest.fixture
def gp(professional):
    """A GP the municipality has given a professional account, with her identity number; she
    has no authenticator app (HelseID is her second factor)."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=professional).delete()
    professional.set_national_id(GP_PID)
    professional.save()
    return professional


def test_an_account_with_an_authenticator_app_still_asks_for_its_code(
    client, helseid_on, professional
):
    professional.set_national_id(GP_PID)
    professional.save()
    response = helseid_login(client, "gp")
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session


def test_a_gp_logs_in_with_helseid_to_the_account_the_municipality_made(client, helseid_on, gp):
    response = helseid_login(client, "gp")
    assert response.status_code == 302, response.content[:500]
    assert client.session[SESSION_KEY] == str(gp.pk)
    gp.refresh_from_db()
    assert gp.hpr_number == HPR
    assert SocialAccount.objects.get(provider="helseid").user == gp
    assert helseid_on.refused == []


def test_the_helseid_session_counts_as_two_step_so_staff_pages_open(client, helseid_on, gp):
    helseid_login(client, "gp")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("accounts:mfa_required") not in response.get("Location", "")


def test_a_helseid_login_gives_no_access_to_a_plan_without_a_grant(client, helseid_on, gp, plan):
    helseid_login(client, "gp")
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404


def test_below_level_four_is_refused(client, helseid_on, gp):
    response = helseid_login(client, "gp-level-3")
    assert response.status_code == 403
    assert "sikkerhetsnivå 4" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_helseid_never_creates_an_account(client, helseid_on, db):
    from accounts.models import User

    before = User.objects.count()
    response = helseid_login(client, "other-person")
    assert response.status_code == 403
    assert "ingen konto i ipplan" in response.content.decode()
    assert User.objects.count() == before


def test_a_citizen_account_is_not_a_way_in_through_helseid(client, helseid_on, owner):
    owner.set_national_id(CITIZEN_PID)
    owner.save()
    response = helseid_login(client, "citizen")
    assert response.status_code == 403
    assert "ingen rolle i en kommune" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_later_login_is_found_by_the_hpr_number_helseid_gave(client, helseid_on, gp):
    helseid_login(client, "gp")
    SocialAccount.objects.filter(provider="helseid").delete()
    client.logout()
    helseid_login(client, "gp")
    assert client.session[SESSION_KEY] == str(gp.pk)


def test_an_hpr_number_never_lets_another_person_in(client, helseid_on, gp):
    helseid_login(client, "gp")
    SocialAccount.objects.filter(provider="helseid").delete()
    client.logout()
    # Someone else's HelseID login that carries the GP's HPR number.
    response = helseid_login(client, "hpr-of-gp-other-pid")
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_a_coordinator_links_helseid_from_their_own_logged_in_session(
    client, helseid_on, coordinator
):
    client.force_login(coordinator)
    session = client.session
    session.save()
    response = helseid_login(client, "other-person", process="connect")
    assert response.status_code == 302, response.content[:400]
    coordinator.refresh_from_db()
    assert coordinator.has_national_id
    assert SocialAccount.objects.get(provider="helseid").user == coordinator


def test_no_client_secret_is_ever_sent(client, helseid_on, gp, settings):
    helseid_login(client, "gp")
    assert helseid_on.refused == []
    assertion = helseid.client_assertion(CLIENT_ID, helseid_on.url)
    decoded = jwt.decode(assertion, options={"verify_signature": False})
    assert decoded["exp"] - decoded["iat"] <= 60
    assert decoded["iss"] == decoded["sub"] == CLIENT_ID


def test_the_login_page_offers_helseid_only_when_configured(client, helseid_on, settings, db):
    assert "Logg inn med HelseID" in client.get(reverse("account_login")).content.decode()
    settings.HELSEID_ENABLED = False
    assert "Logg inn med HelseID" not in client.get(reverse("account_login")).content.decode()


def test_check_names_what_a_half_configured_helseid_lacks(settings):
    settings.HELSEID_ISSUER = "https://helseid-sts.test.nhn.no/"
    settings.HELSEID_CLIENT_ID = CLIENT_ID
    settings.HELSEID_KEY_FILE = ""
    settings.HELSEID_KEY_ID = ""
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    assert "HelseID is half configured: HELSEID_KEY_FILE is not set" in str(error.value)


def test_the_staff_membership_of_a_helseid_user_is_what_the_municipality_gave(
    client, helseid_on, gp
):
    helseid_login(client, "gp")
    roles = set(gp.memberships.values_list("role", flat=True))
    assert roles == {StaffMembership.Role.PROFESSIONAL}
