from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("klager/", views.complaint_list, name="list"),
    path("klager/<int:complaint_id>/", views.complaint_detail, name="detail"),
    path("klager/<int:complaint_id>/behandle/", views.start_review, name="start_review"),
    path("klager/<int:complaint_id>/omgjor/", views.reverse, name="reverse"),
    path("klager/<int:complaint_id>/avvis/", views.reject, name="reject"),
    path("klager/<int:complaint_id>/send/", views.forward, name="forward"),
    path("klager/<int:complaint_id>/utfall/", views.record_outcome, name="outcome"),
    path("klager/<int:complaint_id>/trukket/", views.withdraw, name="withdraw"),
    path("klager/<int:complaint_id>/saksdokumenter/", views.case_file, name="case_file"),
    path("saker/<int:case_id>/klage/", views.file_complaint, name="file"),
]
