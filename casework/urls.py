from django.urls import path

from casework.views import (
    archive,
    cases,
    citizen,
    deliveries,
    expected,
    registry,
    representations,
)

app_name = "casework"

urlpatterns = [
    path("administrasjon/arkiv/", archive.archive_admin, name="archive_admin"),
    path(
        "administrasjon/arkiv/pakke/<int:municipality_id>/<int:year>/<int:month>/",
        archive.archive_package,
        name="archive_package",
    ),
    path(
        "administrasjon/arkiv/<int:delivery_id>/send/",
        archive.archive_retry,
        name="archive_retry",
    ),
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
    path(
        "saker/<int:case_id>/sendt-med-post/", cases.delivery_printed_view, name="delivery_printed"
    ),
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
    path("brev-som-ikke-kom-fram/", deliveries.failed_deliveries_view, name="failed_deliveries"),
    path(
        "brev-som-ikke-kom-fram/send-igjen/",
        deliveries.failed_delivery_retry_view,
        name="failed_delivery_retry",
    ),
    path("koordinatorer/", registry.registry_view, name="registry"),
    path("koordinatorer/<int:membership_id>/", registry.profile_edit, name="profile_edit"),
    path("statistikk/", registry.statistics_view, name="statistics"),
    path("statistikk.csv", registry.statistics_csv, name="statistics_csv"),
    path("soknad/", citizen.apply_view, name="apply"),
    path("soknad/venter-barn/", expected.apply_expected_view, name="apply_expected"),
    path("barn/<int:child_id>/fodt/", expected.expected_link_view, name="expected_link"),
    path("melding-om-behov/", citizen.referral_view, name="referral"),
    path("mine-saker/", citizen.my_cases, name="my_cases"),
    path("mine-saker/<int:case_id>/", citizen.my_case, name="my_case"),
    path("brev/<int:letter_id>/", citizen.letter_view, name="letter"),
]
