"""The 403 page speaks to the role that met it: staff are not sent to "the coordinator"."""

from django.urls import reverse

STAFF_TEXT = "Rollen din gir ikke tilgang til dette."
CITIZEN_TEXT = "ta kontakt med koordinatoren din eller kommunen"


def test_a_coordinator_is_told_about_their_role_not_sent_to_the_coordinator(
    client, access_plan, coordinator
):
    client.force_login(coordinator)
    nurse = access_plan.people["nurse_participant"]
    response = client.get(reverse("consent:access_revoke", args=[access_plan.pk, nurse.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert STAFF_TEXT in page and CITIZEN_TEXT not in page
    assert "ta kontakt med koordinatoren eller kommunen" not in page


def test_a_citizen_is_pointed_to_their_coordinator(client, access_plan, child):
    client.force_login(child)
    nurse = access_plan.people["nurse_participant"]
    response = client.get(reverse("consent:access_edit", args=[access_plan.pk, nurse.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert CITIZEN_TEXT in page and STAFF_TEXT not in page
