from django.urls import include, path

from plans.views import (
    documents,
    goals,
    handover,
    lists,
    measures,
    my_plan,
    notes,
    participants,
    plan,
    relay,
    withheld,
)

app_name = "plans"

# The pages of one plan, under <plan_id>/.
plan_patterns = [
    path("", plan.plan_detail, name="detail"),
    path("periode/", plan.plan_details_edit, name="details_edit"),
    path("om-meg/", plan.about_me_edit, name="about_me_edit"),
    path("ta-i-bruk/", plan.plan_activate_view, name="activate"),
    path("avslutt/", plan.plan_close_view, name="close"),
    path("gjor-om-til-plan/", plan.plan_convert_view, name="convert_to_ip"),
    path("be-om-avslutning/", plan.plan_request_close_view, name="request_close"),
    path("historikk/", plan.plan_history, name="history"),
    path("pdf/", plan.plan_pdf, name="pdf"),
    path("arkiv/", plan.plan_archive, name="archive"),
    path("arkiv/<int:record_id>/", plan.plan_archive_download, name="archive_download"),
    path("mal/ny/", goals.goal_create_view, name="goal_create"),
    path("mal/<int:goal_id>/", goals.goal_edit_view, name="goal_edit"),
    path("mal/<int:goal_id>/flytt/", goals.goal_move_view, name="goal_move"),
    path("mal/<int:goal_id>/skjerm/", withheld.goal_withhold_view, name="goal_withhold"),
    path("tiltak/ny/", measures.measure_create_view, name="measure_create"),
    path("tiltak/<int:measure_id>/", measures.measure_edit_view, name="measure_edit"),
    path(
        "tiltak/<int:measure_id>/skjerm/", withheld.measure_withhold_view, name="measure_withhold"
    ),
    path("notater/", notes.note_list, name="notes"),
    path("notater/ny/", notes.note_create_view, name="note_create"),
    path("notater/<int:note_id>/", notes.note_correct_view, name="note_correct"),
    path("notater/<int:note_id>/skjerm/", withheld.note_withhold_view, name="note_withhold"),
    path("min-plan/", my_plan.my_plan_view, name="my_plan"),
    path(
        "deltakere/ny/",
        participants.participant_create_view,
        name="participant_create",
    ),
    path(
        "deltakere/<int:participant_id>/",
        participants.participant_edit_view,
        name="participant_edit",
    ),
    path(
        "deltakere/<int:participant_id>/fjern/",
        participants.participant_remove_view,
        name="participant_remove",
    ),
    path(
        "samarbeid/ny/",
        participants.cooperation_create_view,
        name="cooperation_create",
    ),
    path(
        "samarbeid/<int:need_id>/",
        participants.cooperation_edit_view,
        name="cooperation_edit",
    ),
    path(
        "samarbeid/<int:need_id>/fjern/",
        participants.cooperation_delete_view,
        name="cooperation_delete",
    ),
    path("dokumenter/ny/", documents.subplan_upload_view, name="subplan_upload"),
    path(
        "dokumenter/<int:subplan_id>/",
        documents.subplan_download,
        name="subplan_download",
    ),
    path("koordinator/", handover.handover_propose_view, name="handover_propose"),
    path("fortsett-som-plan/", relay.continue_as_plan_view, name="continue_as_plan"),
    path(
        "koordinator/<int:handover_id>/trekk/",
        handover.handover_withdraw_view,
        name="handover_withdraw",
    ),
]

urlpatterns = [
    path("", lists.coordinator_list, name="coordinator_list"),
    path("ny/", plan.plan_create_view, name="create"),
    path("stafettlogg/ny/", relay.relay_log_create_view, name="relay_log_create"),
    path(
        "koordinatorbytte/<int:handover_id>/", handover.handover_answer_view, name="handover_answer"
    ),
    path("<int:plan_id>/", include(plan_patterns)),
]
