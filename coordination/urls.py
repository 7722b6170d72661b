from django.urls import path

from coordination.views import families, meetings, messages

app_name = "coordination"

P = "planer/<int:plan_id>/"
M = P + "moter/<int:meeting_id>/"
F = "familier/<int:family_id>/"

urlpatterns = [
    path(P + "moter/", meetings.meeting_list, name="meetings"),
    path(P + "moter/nytt/", meetings.meeting_create_view, name="meeting_create"),
    path(M, meetings.meeting_detail, name="meeting"),
    path(M + "endre/", meetings.meeting_edit_view, name="meeting_edit"),
    path(M + "avlys/", meetings.meeting_cancel_view, name="meeting_cancel"),
    path(M + "svar/", meetings.meeting_respond_view, name="meeting_respond"),
    path(M + "foresla-sak/", meetings.agenda_propose_view, name="agenda_propose"),
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
    path(F, families.family_detail, name="family"),
    path(F + "oppgaver/<int:task_id>/", families.family_task_edit, name="family_task"),
    path(F + "tjenester/ny/", families.family_service_create, name="family_service_create"),
    path(
        F + "tjenester/<int:service_id>/fjern/",
        families.family_service_delete,
        name="family_service_delete",
    ),
    path(F + "plan/", families.family_plan_view, name="family_plan"),
    path(F + "avslutt/", families.family_close_view, name="family_close"),
]
