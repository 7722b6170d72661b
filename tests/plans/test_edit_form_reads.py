"""Opening an edit form shows plan data, so it is a read in the owner's access log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import AccessLogEntry
from plans.services.goals import goal_create
from plans.services.notes import note_create
from plans.services.participants import cooperation_create

pytestmark = pytest.mark.django_db


def test_opening_edit_forms_is_logged_as_reads(client, plan, coordinator):
    goal = goal_create(plan=plan, title="Klare innkjøp selv", acting_user=coordinator)
    note = note_create(
        plan=plan,
        goal=goal,
        text="Går bra",
        noted_on=timezone.localdate() - datetime.timedelta(days=1),
        acting_user=coordinator,
    )
    need = cooperation_create(
        plan=plan, with_whom="Fastlege", description="Medisiner", acting_user=coordinator
    )
    client.force_login(coordinator)
    pages = [
        (reverse("plans:details_edit", args=[plan.pk]), "overview", None),
        (reverse("plans:note_correct", args=[plan.pk, note.pk]), "notes", note.pk),
        (reverse("plans:cooperation_edit", args=[plan.pk, need.pk]), "participants", need.pk),
    ]
    for url, section, object_id in pages:
        before = AccessLogEntry.objects.filter(actor=coordinator, action="read").count()
        assert client.get(url).status_code == 200, url
        entry = AccessLogEntry.objects.filter(actor=coordinator, action="read").latest("pk")
        assert AccessLogEntry.objects.filter(actor=coordinator, action="read").count() > before
        assert (entry.section, entry.object_id) == (section, object_id), url
