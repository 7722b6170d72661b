from django.urls import path

from accounts import views_admin

app_name = "administration"

urlpatterns = [
    path("", views_admin.index, name="index"),
    path("ansatte/", views_admin.staff_list, name="staff"),
    path("ansatte/ny/", views_admin.staff_create, name="staff_create"),
    path("ansatte/<int:user_id>/", views_admin.staff_detail, name="staff_detail"),
    path("roller/<int:membership_id>/fjern/", views_admin.role_revoke, name="role_revoke"),
    path("varsler/", views_admin.failed_notifications, name="failed_notifications"),
    path(
        "varsler/<int:message_id>/send/",
        views_admin.failed_notification_resend,
        name="failed_notification_resend",
    ),
    path("tjenester/", views_admin.services, name="services"),
    path("rutiner/<int:municipality_id>/", views_admin.routines_edit, name="routines"),
    path("tjenester/ny/", views_admin.service_create, name="service_create"),
    path("tjenester/<int:organisation_id>/", views_admin.service_edit, name="service_edit"),
    path(
        "tjenester/<int:organisation_id>/aktiv/",
        views_admin.service_set_active,
        name="service_set_active",
    ),
    path("oppbevaring/", views_admin.retention, name="retention"),
    path(
        "oppbevaring/<int:municipality_id>/",
        views_admin.retention_update,
        name="retention_update",
    ),
]
