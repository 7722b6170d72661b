"""Fixtures for the national-service adapters: a local Maskinporten (tests/test_maskinporten.py),
KRR and SvarUt, with ipplan's settings pointing at them. Import the fixtures you use."""

from __future__ import annotations

import pytest

from tests.support.local_http import LocalServer
from tests.support.national_services import (
    INTEGRATION_ID,
    INTEGRATION_PASSWORD,
    SVARUT_ACCOUNT,
    KrrServer,
    SvarUtServer,
)
from tests.test_maskinporten import client_key, token_server  # noqa: F401 (fixtures)


def _issued_tokens(token_server):
    return lambda: {f"token-{n}" for n in range(1, len(token_server.issued) + 1)}


@pytest.fixture
def krr_server(token_server, settings):  # noqa: F811
    server = LocalServer().start()
    krr = KrrServer(server, _issued_tokens(token_server))
    settings.IPPLAN_KRR_URL = krr.url
    settings.IPPLAN_KRR_TIMEOUT_SECONDS = 1
    yield krr
    server.stop()


@pytest.fixture
def svarut_server(token_server, krr_server, settings, municipality):  # noqa: F811
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
