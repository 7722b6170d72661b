from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("planer/<int:plan_id>/samtykke/", views.consent_overview, name="overview"),
    path("planer/<int:plan_id>/samtykke/gi/", views.consent_give, name="give"),
    path("planer/<int:plan_id>/samtykke/papir/", views.consent_record_paper, name="paper"),
    path("planer/<int:plan_id>/samtykke/trekk-tilbake/", views.consent_withdraw, name="withdraw"),
    path("planer/<int:plan_id>/tilgang/", views.access_page, name="access"),
    path(
        "planer/<int:plan_id>/tilgang/<int:participant_id>/", views.access_edit, name="access_edit"
    ),
    path(
        "planer/<int:plan_id>/tilgang/<int:participant_id>/svar/",
        views.access_answer,
        name="access_answer",
    ),
    path(
        "planer/<int:plan_id>/tilgang/<int:participant_id>/trekk-tilbake/",
        views.access_revoke,
        name="access_revoke",
    ),
    path(
        "planer/<int:plan_id>/tilgang/<int:participant_id>/forleng/",
        views.access_extend,
        name="access_extend",
    ),
    path("planer/<int:plan_id>/tilgangslogg/", views.access_log, name="log"),
    path(
        "planer/<int:plan_id>/deltakere/<int:participant_id>/inviter/", views.invite, name="invite"
    ),
    path(
        "planer/<int:plan_id>/innlogging-for-planeier/", views.owner_account, name="owner_account"
    ),
    path("invitasjon/<str:token>/", views.invitation, name="invitation"),
    path("invitasjon/<str:token>/ny-bruker/", views.invitation_signup, name="invitation_signup"),
]
