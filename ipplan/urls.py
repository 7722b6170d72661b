"""The root URLconf: the frame names each app's URLs by module path, so it imports no app."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ipplan.home import home
from ipplan.views import healthz, healthz_live, healthz_ready

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("healthz/live", healthz_live, name="healthz_live"),
    path("healthz/ready", healthz_ready, name="healthz_ready"),
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

# An unreachable database answers 503 "try again in a moment"; other errors the 500 page.
handler500 = "ipplan.errors.server_error"
