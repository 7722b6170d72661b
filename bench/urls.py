"""The bench's URLconf: the floor, then the normal one (ipplan.urls) unchanged."""

from django.urls import include, path

from bench.pages import FLOOR_PATH
from bench.views import floor

urlpatterns = [
    path(FLOOR_PATH.lstrip("/"), floor, name="bench_floor"),
    path("", include("ipplan.urls")),
]

handler500 = "ipplan.errors.server_error"
