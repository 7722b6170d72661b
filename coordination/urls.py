from django.urls import path

from coordination.views import cases, meetings, messages, registry, representations

app_name = "coordination"

P = "planer/<int:plan_id>/"
M = P + "moter/<int:meeting_id>/"

urlpatterns = [
    path("saker/", cases.case_queue_view, name="case_queue"),
    path("saker/ny/", cases.paper_application, name="paper_application"),
    path("saker/<int:case_id>/", cases.case_detail, name="case"),
    path("saker/<int:case_id>/tildel/", cases.case_assign_view, name="case_assign"),
    path("saker/<int:case_id>/vurdering/", cases.assessment_view, name="assessment"),
    path("saker/<int:case_id>/forelopig-svar/", cases.interim_reply_view, name="interim_reply"),
    path("saker/<int:case_id>/vedtak/", cases.decision_view, name="decision"),
    path(
        "saker/<int:case_id>/vedtak/<int:decision_id>/koordinator/",
        cases.appoint_view,
        name="appoint",
    ),
    path("saker/<int:case_id>/skannet-soknad/", cases.scanned_form_view, name="scanned_form"),
    path("representasjon/", representations.representation_list, name="representations"),
    path(
        "representasjon/ny/<str:kind>/",
        representations.representation_create,
        name="representation_create",
    ),
    path(
        "representasjon/<int:representation_id>/",
        representations.representation_detail,
        name="representation",
    ),
    path(
        "representasjon/<int:representation_id>/avslutt/",
        representations.representation_end_view,
        name="representation_end",
    ),
    path(
        "representasjon/<int:representation_id>/dokument/",
        representations.representation_document,
        name="representation_document",
    ),
    path("koordinatorer/", registry.registry_view, name="registry"),
    path("koordinatorer/<int:membership_id>/", registry.profile_edit, name="profile_edit"),
    path("statistikk/", registry.statistics_view, name="statistics"),
    path("statistikk.csv", registry.statistics_csv, name="statistics_csv"),
    path("soknad/", cases.apply_view, name="apply"),
    path("melding-om-behov/", cases.referral_view, name="referral"),
    path("mine-saker/", cases.my_cases, name="my_cases"),
    path("mine-saker/<int:case_id>/", cases.my_case, name="my_case"),
    path("brev/<int:letter_id>/", cases.letter_view, name="letter"),
    path(P + "moter/", meetings.meeting_list, name="meetings"),
    path(P + "moter/nytt/", meetings.meeting_create_view, name="meeting_create"),
    path(M, meetings.meeting_detail, name="meeting"),
    path(M + "endre/", meetings.meeting_edit_view, name="meeting_edit"),
    path(M + "avlys/", meetings.meeting_cancel_view, name="meeting_cancel"),
    path(M + "svar/", meetings.meeting_respond_view, name="meeting_respond"),
    path(M + "kalender.ics", meetings.meeting_calendar, name="meeting_calendar"),
    path(M + "referat/", meetings.minutes_edit, name="minutes_edit"),
    path(M + "referat/godkjenn/", meetings.minutes_approve_view, name="minutes_approve"),
    path(
        M + "oppfolging/<int:point_id>/tiltak/",
        meetings.action_point_measure_view,
        name="action_point_measure",
    ),
    path(P + "meldinger/", messages.thread_list, name="threads"),
    path(P + "meldinger/ny/", messages.thread_create, name="thread_create"),
    path(P + "meldinger/<int:thread_id>/", messages.thread_detail, name="thread"),
]
