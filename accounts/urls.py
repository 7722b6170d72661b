from django.urls import path

from accounts import views, views_representation

app_name = "accounts"

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("profil/kontakt/", views.contact_details, name="contact_details"),
    path(
        "profil/kontakt/bekreft/<str:token>/",
        views.contact_email_confirm,
        name="contact_email_confirm",
    ),
    path(
        "profil/representanter/<int:representation_id>/bekreft/",
        views_representation.confirm,
        name="representation_confirm",
    ),
    path(
        "profil/representanter/<int:representation_id>/avslutt/",
        views_representation.end,
        name="representation_end",
    ),
    path("totrinnsinnlogging/", views.mfa_required, name="mfa_required"),
    path("aktiver/", views.activate, name="activate"),
    path(
        "engangskode-unntak/<int:person_id>/",
        views.setup_code_exception,
        name="setup_code_exception",
    ),
]
