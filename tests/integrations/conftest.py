"""Fixtures for the national-service adapters: a local Maskinporten (tests/test_maskinporten.py),
KRR and SvarUt, with ipplan's settings pointing at them."""

from __future__ import annotations

import pytest

from tests import test_maskinporten
from tests.support.local_http import LocalServer
from tests.support.national_services import (
    INTEGRATION_ID,
    INTEGRATION_PASSWORD,
    SVARUT_ACCOUNT,
    KrrServer,
    SvarUtServer,
)

# The local Maskinporten of tests/test_maskinporten.py: a token endpoint checking the grant.
client_key = test_maskinporten.client_key
token_server = test_maskinporten.token_server


def _issued_tokens(server):
    return lambda: {f"token-{n}" for n in range(1, len(server.issued) + 1)}


@pytest.fixture
def krr_server(token_server, settings):
    server = LocalServer().start()
    krr = KrrServer(server, _issued_tokens(token_server))
    settings.IPPLAN_KRR_URL = krr.url
    settings.IPPLAN_KRR_TIMEOUT_SECONDS = 1
    yield krr
    server.stop()


@pytest.fixture
def svarut_server(token_server, krr_server, settings, municipality):
    server = LocalServer().start()
    svarut = SvarUtServer(server, _issued_tokens(token_server))
    settings.IPPLAN_DIGITAL_POST_BACKEND = "svarut"
    settings.IPPLAN_SVARUT_URL = server.url
    settings.IPPLAN_SVARUT_ACCOUNTS = {municipality.municipality_number: SVARUT_ACCOUNT}
    settings.IPPLAN_SVARUT_INTEGRATION_ID = INTEGRATION_ID
    settings.IPPLAN_SVARUT_INTEGRATION_PASSWORD = INTEGRATION_PASSWORD
    settings.IPPLAN_SVARUT_TIMEOUT_SECONDS = 1
    yield svarut
    server.stop()
