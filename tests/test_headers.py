"""Security headers on every response, including errors; personal pages are never cached."""

import pytest
from django.urls import reverse


def _assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "style-src 'self'",
    ):
        assert directive in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_login_page_has_the_security_headers(client):
    _assert_security_headers(client.get(reverse("account_login")))


def test_an_authenticated_page_has_them_and_is_not_stored(client, owner):
    client.force_login(owner)
    _assert_security_headers(client.get(reverse("home")))


def test_a_404_has_them_and_uses_the_ipplan_page(client, owner):
    client.force_login(owner)
    response = client.get("/planer/finnes-ikke/")
    assert response.status_code == 404
    _assert_security_headers(response)
    assert "Vi fant ikke siden" in response.content.decode()


def test_a_500_shows_a_generic_page_without_the_stack_trace(client, owner, monkeypatch):
    from coordination.views import home as views

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views, "plans_for_owner_side", boom)
    client.raise_request_exception = False
    client.force_login(owner)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Noe gikk galt" in body
    assert "secret internal detail" not in body and "Traceback" not in body
    _assert_security_headers(response)
