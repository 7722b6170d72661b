"""allauth's login view under its own name, answering 429 past the failed-login limit, and
HelseID's callback, which signs its token request (private_key_jwt; accounts.helseid); the root
URLconf includes this before allauth's URLs."""

from django.urls import path

from accounts import helseid
from accounts.views import login

urlpatterns = [
    path("login/", login, name="account_login"),
    # The same path as allauth's OpenID Connect callback for the HelseID app, found first.
    path("oidc/helseid/login/callback/", helseid.callback, name="helseid_callback"),
]
