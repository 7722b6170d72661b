from django.urls import path

from plans.views import documents, goals, handover, lists, measures, notes, participants, plan

app_name = "plans"

urlpatterns = [
    path("", lists.coordinator_list, name="coordinator_list"),
    path("ny/", plan.plan_create_view, name="create"),
    path(
        "koordinatorbytte/<int:handover_id>/", handover.handover_answer_view, name="handover_answer"
    ),
    path("<int:plan_id>/", plan.plan_detail, name="detail"),
    path("<int:plan_id>/periode/", plan.plan_details_edit, name="details_edit"),
    path("<int:plan_id>/om-meg/", plan.about_me_edit, name="about_me_edit"),
    path("<int:plan_id>/ta-i-bruk/", plan.plan_activate_view, name="activate"),
    path("<int:plan_id>/avslutt/", plan.plan_close_view, name="close"),
    path("<int:plan_id>/be-om-avslutning/", plan.plan_request_close_view, name="request_close"),
    path("<int:plan_id>/historikk/", plan.plan_history, name="history"),
    path("<int:plan_id>/pdf/", plan.plan_pdf, name="pdf"),
    path("<int:plan_id>/arkiv/", plan.plan_archive, name="archive"),
    path(
        "<int:plan_id>/arkiv/<int:record_id>/", plan.plan_archive_download, name="archive_download"
    ),
    path("<int:plan_id>/mal/ny/", goals.goal_create_view, name="goal_create"),
    path("<int:plan_id>/mal/<int:goal_id>/", goals.goal_edit_view, name="goal_edit"),
    path("<int:plan_id>/mal/<int:goal_id>/flytt/", goals.goal_move_view, name="goal_move"),
    path("<int:plan_id>/tiltak/ny/", measures.measure_create_view, name="measure_create"),
    path("<int:plan_id>/tiltak/<int:measure_id>/", measures.measure_edit_view, name="measure_edit"),
    path("<int:plan_id>/notater/", notes.note_list, name="notes"),
    path("<int:plan_id>/notater/ny/", notes.note_create_view, name="note_create"),
    path("<int:plan_id>/notater/<int:note_id>/", notes.note_correct_view, name="note_correct"),
    path(
        "<int:plan_id>/deltakere/ny/",
        participants.participant_create_view,
        name="participant_create",
    ),
    path(
        "<int:plan_id>/deltakere/<int:participant_id>/",
        participants.participant_edit_view,
        name="participant_edit",
    ),
    path(
        "<int:plan_id>/deltakere/<int:participant_id>/fjern/",
        participants.participant_remove_view,
        name="participant_remove",
    ),
    path(
        "<int:plan_id>/samarbeid/ny/",
        participants.cooperation_create_view,
        name="cooperation_create",
    ),
    path(
        "<int:plan_id>/samarbeid/<int:need_id>/",
        participants.cooperation_edit_view,
        name="cooperation_edit",
    ),
    path(
        "<int:plan_id>/samarbeid/<int:need_id>/fjern/",
        participants.cooperation_delete_view,
        name="cooperation_delete",
    ),
    path("<int:plan_id>/dokumenter/ny/", documents.subplan_upload_view, name="subplan_upload"),
    path(
        "<int:plan_id>/dokumenter/<int:subplan_id>/",
        documents.subplan_download,
        name="subplan_download",
    ),
    path("<int:plan_id>/koordinator/", handover.handover_propose_view, name="handover_propose"),
    path(
        "<int:plan_id>/koordinator/<int:handover_id>/trekk/",
        handover.handover_withdraw_view,
        name="handover_withdraw",
    ),
]
