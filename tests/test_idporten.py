"""ID-porten login end to end against a real OpenID Connect server on 127.0.0.1.

oidc-provider-mock runs in a thread; Django's test client follows the browser's side of the
flow and allauth talks to the provider's token and JWKS endpoints over real HTTP.
"""

from __future__ import annotations

import datetime
import json
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from oidc_provider_mock import User as MockUser
from oidc_provider_mock import run_server_in_thread

from accounts.crypto import digest
from accounts.models import User
from tests.factories import UserFactory, synthetic_national_id, with_national_id

pytestmark = pytest.mark.django_db

CLIENT_ID = "ipplan-test"
HIGH, SUBSTANTIAL = "idporten-loa-high", "idporten-loa-substantial"
PID_NEW = synthetic_national_id(datetime.date(1990, 5, 17))
PID_BAD = PID_NEW[:10] + str((int(PID_NEW[10]) + 1) % 10)


@pytest.fixture(scope="module")
def oidc_server():
    users = [
        MockUser(
            sub="new-citizen",
            claims={"pid": PID_NEW, "acr": HIGH, "given_name": "Nora", "family_name": "Nyhus"},
        ),
        MockUser(sub="low-level", claims={"pid": PID_NEW, "acr": SUBSTANTIAL}),
        MockUser(sub="bad-pid", claims={"pid": PID_BAD, "acr": HIGH}),
    ]
    with run_server_in_thread(require_nonce=True, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def idporten(settings, oidc_server):
    settings.IDPORTEN_ENABLED = True
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [
                {
                    "provider_id": "idporten",
                    "name": "ID-porten",
                    "client_id": CLIENT_ID,
                    "secret": "test-secret",
                    "settings": {
                        "server_url": oidc_server,
                        "token_auth_method": "client_secret_post",
                        "oauth_pkce_enabled": True,
                        "fetch_userinfo": False,
                        "scope": ["openid", "profile"],
                        "auth_params": {"acr_values": HIGH},
                    },
                }
            ],
        }
    }
    return oidc_server


def set_claims(server: str, sub: str, claims: dict) -> None:
    httpx.put(f"{server}/users/{sub}", json=claims).raise_for_status()


def idporten_login(client, sub: str, *, tamper_nonce: bool = False):
    """Start at our login button, consent at the provider, come back to our callback."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "idporten"}))
    assert start.status_code == 302, start
    authorize = urlsplit(start["Location"])
    params = parse_qs(authorize.query)
    assert params["acr_values"] == [HIGH]
    assert params["nonce"][0] and params["code_challenge"][0]
    if tamper_nonce:
        params["nonce"] = ["a-nonce-we-never-sent"]
    query = urlencode({k: v[0] for k, v in params.items()})
    provider = httpx.post(urlunsplit(authorize._replace(query=query)), data={"sub": sub})
    assert provider.status_code == 302, provider.text
    callback = urlsplit(provider.headers["location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_a_new_citizen_logs_in_and_lands_on_their_home_page(client, idporten):
    response = idporten_login(client, "new-citizen")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(pk=client.session[SESSION_KEY])
    assert (user.first_name, user.last_name) == ("Nora", "Nyhus")
    assert user.get_national_id() == PID_NEW
    assert user.birth_date == datetime.date(1990, 5, 17)
    home = client.get(reverse("home")).content.decode()
    assert "Hei, Nora" in home and "ingen individuell plan" in home


def test_the_pid_claim_is_never_stored_in_plaintext(client, idporten):
    idporten_login(client, "new-citizen")
    account = SocialAccount.objects.get(uid="new-citizen")
    stored = json.dumps(account.extra_data)
    assert PID_NEW not in stored
    assert account.extra_data["id_token"]["pid_digest"] == digest(PID_NEW)
    row = User.objects.filter(pk=account.user_id).values().get()
    assert PID_NEW not in json.dumps(row, default=str)


def test_an_existing_user_is_linked_by_national_identity_number(client, idporten, db):
    existing = with_national_id(UserFactory(username="ingrid"), datetime.date(1979, 4, 12))
    set_claims(idporten, "ingrid-sub", {"pid": existing.get_national_id(), "acr": HIGH})
    response = idporten_login(client, "ingrid-sub")
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(existing.pk)
    assert SocialAccount.objects.get(uid="ingrid-sub").user == existing
    assert list(User.objects.values_list("username", flat=True)) == ["ingrid"]
    # The next login goes through the stored link.
    client.logout()
    idporten_login(client, "ingrid-sub")
    assert client.session[SESSION_KEY] == str(existing.pk)


def test_a_login_below_the_required_level_is_refused_with_a_clear_message(client, idporten):
    response = idporten_login(client, "low-level")
    assert response.status_code == 403
    assert "for lavt sikkerhetsnivå" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.exists()


def test_a_token_whose_nonce_was_not_ours_is_refused(client, idporten):
    response = idporten_login(client, "new-citizen", tamper_nonce=True)
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert not SocialAccount.objects.exists()


def test_an_invalid_identity_number_is_refused(client, idporten):
    response = idporten_login(client, "bad-pid")
    assert response.status_code == 403
    assert "gyldig fødselsnummer" in response.content.decode()
    assert not User.objects.exists()


def test_the_login_page_offers_id_porten_when_it_is_configured(client, idporten):
    page = client.get(reverse("account_login")).content.decode()
    assert "Logg inn med ID-porten" in page
    assert reverse("openid_connect_login", kwargs={"provider_id": "idporten"}) in page


def test_the_login_page_speaks_of_id_porten_for_applying_only_when_it_is_configured(
    client, idporten
):
    page = client.get(reverse("account_login")).content.decode()
    assert "Logg inn med ID-porten for å søke" in page
    assert "under 16 år" not in page  # the username login is not said to be for some only
    assert "For deg som har fått brukernavn av kommunen." in page


def test_without_id_porten_the_login_page_does_not_mention_it(client, settings):
    settings.IDPORTEN_ENABLED = False
    page = client.get(reverse("account_login")).content.decode()
    assert "ID-porten" not in page and "under 16 år" not in page
    assert "For deg som har fått brukernavn av kommunen." in page
    assert "Kontakt koordinerende enhet i kommunen din." in page
