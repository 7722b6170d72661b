"""Issue 10, point 8: with PostgreSQL cut off (a real TCP proxy in front of it is stopped),
pages answer 503 "try again in a moment" in bokmål or English, with nothing of the user's;
the health check says the process is alive but not ready; once the database is back the same
process serves pages again, without a restart."""

from __future__ import annotations

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from tests.support.tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="!!! SKIPPED: the database outage drill needs PostgreSQL (DATABASE_URL) !!!",
    ),
]


@pytest.fixture
def database_via_proxy():
    settings_dict = connection.settings_dict
    original = (settings_dict["HOST"], settings_dict["PORT"])
    proxy = TcpProxy(original[0] or "127.0.0.1", int(original[1] or 5432))
    proxy.start()
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", proxy.port
    yield proxy
    proxy.stop()
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = original


def test_a_database_outage_is_a_503_page_and_the_app_recovers(database_via_proxy, owner):
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    assert client.get(reverse("home")).status_code == 200

    database_via_proxy.stop()
    page = client.get(reverse("home"))
    posted = client.post(reverse("home"), {"text": "SENTINEL-NOTE"})
    english = client.get(reverse("home"), headers={"accept-language": "en"})
    assert page.status_code == 503 and posted.status_code == 503
    assert page["Retry-After"] == "30"
    text = page.content.decode()
    assert "Prøv igjen om et øyeblikk" in text and "Send det på nytt" in text
    assert "Ingrid" not in text and "SENTINEL-NOTE" not in posted.content.decode()
    assert "Try again in a moment" in english.content.decode()
    assert client.get(reverse("healthz_live")).status_code == 200
    assert client.get(reverse("healthz_ready")).status_code == 503
    assert Client().get(reverse("healthz")).json() == {"status": "down"}

    database_via_proxy.start()  # the same port: as when PostgreSQL comes back
    # What the WSGI handler does at the start of every request (Django's test client switches
    # it off): drop a connection that failed, so the next query connects afresh.
    close_old_connections()
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("healthz_ready")).status_code == 200
