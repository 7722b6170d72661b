from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("totrinnsinnlogging/", views.mfa_required, name="mfa_required"),
    path("aktiver/", views.activate, name="activate"),
    path(
        "engangskode-unntak/<int:person_id>/",
        views.setup_code_exception,
        name="setup_code_exception",
    ),
]
