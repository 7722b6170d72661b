"""The root URLconf: the frame names each app's URLs by module path, so it imports no app."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ipplan.home import home
from ipplan.views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # allauth's login view, answering 429 past the failed-login limit (before allauth's URLs).
    path("konto/", include("accounts.login_urls")),
    path("konto/", include("allauth.urls")),
    path("konto/", include("accounts.urls")),
    path("planer/", include("plans.urls")),
    path("", include("consent.urls")),
    path("", include("coordination.urls")),
    path("", include("casework.urls")),
    path("", include("complaints.urls")),
    path("administrasjon/", include("accounts.admin_urls")),
    path("admin/", include("accounts.site_admin_urls")),
]
