from django.urls import include, path

from consent.views import access, consent, invitations, log

app_name = "consent"

participant_patterns = [
    path("", access.access_edit, name="access_edit"),
    path("svar/", access.access_answer, name="access_answer"),
    path("trekk-tilbake/", access.access_revoke, name="access_revoke"),
    path("forleng/", access.access_extend, name="access_extend"),
]

# The pages of one plan, under planer/<plan_id>/.
plan_patterns = [
    path("samtykke/", consent.consent_overview, name="overview"),
    path("samtykke/gi/", consent.consent_give, name="give"),
    path("samtykke/papir/", consent.consent_record_paper, name="paper"),
    path("samtykke/individuell-plan/", consent.consent_to_ip, name="to_ip"),
    path("samtykke/trekk-tilbake/", consent.consent_withdraw, name="withdraw"),
    path("samtykke/ettervern/", consent.consent_aftercare, name="aftercare"),
    path("tilgang/", access.access_page, name="access"),
    path("tilgang/<int:participant_id>/", include(participant_patterns)),
    path("tilgangslogg/", log.access_log, name="log"),
    path("deltakere/<int:participant_id>/inviter/", invitations.invite, name="invite"),
    path("innlogging-for-planeier/", invitations.owner_account, name="owner_account"),
]

urlpatterns = [
    path("planer/<int:plan_id>/", include(plan_patterns)),
    path("invitasjon/<str:token>/", invitations.invitation, name="invitation"),
    path(
        "invitasjon/<str:token>/ny-bruker/",
        invitations.invitation_signup,
        name="invitation_signup",
    ),
]
