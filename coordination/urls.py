from django.urls import path

from coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.case_queue, name="case_queue"),
]
