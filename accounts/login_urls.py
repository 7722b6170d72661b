"""allauth's login view under its own name, answering 429 past the failed-login limit; the
root URLconf includes this before allauth's URLs."""

from django.urls import path

from accounts.views import login

urlpatterns = [path("login/", login, name="account_login")]
