"""The plan history is kept in bokmål whatever the writer's screen shows, and each reader sees
it in their own language (like the case log)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from consent.services.grants import grants_decide
from plans.models import Plan, PlanChange
from plans.services.goals import goal_create
from plans.services.lifecycle import plan_close
from plans.services.participants import participant_add

pytestmark = pytest.mark.django_db


def history_page(client, user, plan, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(reverse("plans:history", args=[plan.pk])).content.decode()


def test_it_stores_bokmal_when_the_writer_reads_english(plan, coordinator):
    with translation.override("en"):
        goal_create(plan=plan, title="Gå på kino", acting_user=coordinator)
    change = PlanChange.objects.get(plan=plan)
    assert change.summary == "Nytt mål: «Gå på kino»"
    assert change.message == "Nytt mål: «%(title)s»"
    assert change.params == {"title": "Gå på kino"}


def test_it_shows_each_reader_the_history_in_their_language(client, plan, coordinator, owner):
    with translation.override("en"):
        goal_create(plan=plan, title="Gå på kino", acting_user=coordinator)
    assert "Nytt mål: «Gå på kino»" in history_page(client, owner, plan, "nb")
    english = history_page(client, owner, plan, "en")
    assert "New goal: “Gå på kino”" in english and "Nytt mål" not in english


def test_it_translates_section_names_and_choices_in_a_summary(
    client, plan, coordinator, owner, professional
):
    nurse = participant_add(
        plan=plan, name="Nina", role="service_provider", acting_user=coordinator
    )
    nurse.user = professional
    nurse.save(update_fields=["user"])
    with translation.override("en"):
        grants_decide(
            plan=plan,
            participant=nurse,
            levels={"goals": "read"},
            ends_on=timezone.localdate(),
            acting_user=owner,
        )
        plan_close(plan=plan, reason=Plan.ClosingReason.OTHER, note="", acting_user=coordinator)
    stored = set(PlanChange.objects.filter(plan=plan).values_list("summary", flat=True))
    assert {"Tilgang for Nina: Mål", "Planen ble avsluttet: Annen grunn"} <= stored
    english = history_page(client, owner, plan, "en")
    assert "Access for Nina: Goals" in english and "The plan was closed: Other reason" in english


def test_rows_from_before_show_their_summary_as_written(plan, coordinator):
    old = PlanChange.objects.create(
        plan=plan, actor=coordinator, section="goals", action="create", summary="Nytt mål: «A»"
    )
    with translation.override("en"):
        assert old.text == "Nytt mål: «A»"
