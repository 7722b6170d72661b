from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.coordinator_list, name="coordinator_list"),
]
