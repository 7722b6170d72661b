"""Secure by default: every page needs a login unless it is deliberately public."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.urlwalk import all_routes

LOGIN_FLOW = "part of logging in, signing up (closed) or resetting a password"
PUBLIC = {
    "healthz": "load balancers and container health checks",
    "healthz_live": "container liveness checks",
    "healthz_ready": "load balancers' readiness checks",
    "consent:invitation": "an invitee opens the e-mailed link before logging in",
    "consent:invitation_signup": "an invitee without a login creates one",
    "accounts:activate": "a child redeems the one-time code from the coordinator",
    "set_language": "choosing the language before logging in",
    **dict.fromkeys(
        [
            "account_login",
            "account_signup",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key",
            "account_reset_password_from_key_done",
            "account_confirm_email",
            "account_email_verification_sent",
            "account_inactive",
            "account_confirm_login_code",
            "account_logout",
            "mfa_authenticate",
            "socialaccount_login_cancelled",
            "socialaccount_login_error",
            "socialaccount_signup",
            "openid_connect_login",
            "openid_connect_callback",
            "helseid_callback",
            "<unnamed /konto/social/login/cancelled/>",
            "<unnamed /konto/social/login/error/>",
            "<unnamed /konto/social/signup/>",
        ],
        LOGIN_FLOW,
    ),
}
MINIMUM_ROUTES = 80  # if the walk finds fewer, patterns were lost, not made safe


def _ends_at_login(client, path):
    response = client.get(path, follow=True)
    first = response.redirect_chain[0][0] if response.redirect_chain else ""
    return response.redirect_chain and urlsplit(response.request["PATH_INFO"]).path == reverse(
        "account_login"
    ), first


@pytest.mark.django_db
def test_every_non_public_url_sends_an_anonymous_visitor_to_the_login_page(client):
    routes = all_routes()
    walked = 0
    for route in routes:
        if route.name in PUBLIC:
            continue
        ends_at_login, first = _ends_at_login(client, route.path)
        assert ends_at_login, f"{route.name} ({route.path}) did not require login: {first}"
        walked += 1
    assert walked == len(routes) - len([r for r in routes if r.name in PUBLIC])
    assert len(routes) >= MINIMUM_ROUTES


@pytest.mark.django_db
def test_public_urls_answer_without_error(client):
    public = [r for r in all_routes() if r.name in PUBLIC]
    assert {r.name for r in public} == set(PUBLIC)
    for route in public:
        response = client.get(route.path)
        assert response.status_code < 500, route
