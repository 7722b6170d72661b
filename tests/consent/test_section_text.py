"""One section's text stays out of another's pages (issue 9, point 3): the history line of a
note names its measure only to readers of the measures, and the responsible person is chosen
from the participants only by readers of the participants section."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone

from consent.services import grants_decide
from plans.models import PlanChange
from plans.services.goals import goal_create
from plans.services.measures import (
    RESPONSIBLE_NOT_YOURS_TO_CHOOSE,
    measure_create,
    measure_update,
)
from plans.services.notes import note_create
from plans.services.participants import participant_add
from tests.consent.conftest import IN_A_MONTH
from tests.factories import staff

MEASURE = "Hjemmehjelp tre dager i uka"
GOAL = "Bo hjemme"


def _participant(plan, coordinator, guardian, username, name, levels):
    user = staff("professional", plan.municipality, username=username, first_name=name)
    participant = participant_add(
        plan=plan, user=user, name=name, role="service_provider", acting_user=coordinator
    )
    if levels:
        grants_decide(
            plan=plan,
            participant=participant,
            levels=levels,
            ends_on=IN_A_MONTH,
            acting_user=guardian,
        )
    return user, participant


@pytest.fixture
def noted_plan(access_plan, coordinator):
    plan = access_plan
    goal = goal_create(plan=plan, title=GOAL, acting_user=coordinator)
    plan.measure = measure_create(plan=plan, goal=goal, title=MEASURE, acting_user=coordinator)
    note_create(
        plan=plan,
        measure=plan.measure,
        text="Går bra",
        noted_on=timezone.localdate(),
        acting_user=coordinator,
    )
    return plan


def test_a_notes_only_reader_does_not_see_the_measure_named_in_the_history(
    client, noted_plan, coordinator, guardian
):
    user, _p = _participant(noted_plan, coordinator, guardian, "nora", "Nora", {"notes": "read"})
    client.force_login(user)
    body = client.get(reverse("plans:history", args=[noted_plan.pk])).content.decode()
    assert MEASURE not in body


def test_a_reader_of_notes_and_measures_sees_the_note_line_naming_the_measure(
    client, noted_plan, coordinator, guardian
):
    levels = {"notes": "read", "measures": "read"}
    user, _p = _participant(noted_plan, coordinator, guardian, "nils", "Nils", levels)
    client.force_login(user)
    body = client.get(reverse("plans:history", args=[noted_plan.pk])).content.decode()
    assert f"Nytt notat om «{MEASURE}»" in body


def test_the_history_of_a_note_remembers_the_section_it_names(noted_plan):
    change = PlanChange.objects.get(plan=noted_plan, section="notes")
    assert change.mentions == ",measures,"


def test_the_migration_marks_existing_note_and_answer_lines(
    noted_plan, coordinator, database_owner
):
    """The backfill ran before the plan history became append-only (plans 0004), as the owner
    of the tables: the test puts the database back in that state inside its own transaction
    (rolled back afterwards) and runs the migration's function on the historical models."""
    migration = importlib.import_module("plans.migrations.0003_plan_change_mentions")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Deferred foreign-key checks of the fixture's rows first: a table with pending
            # trigger events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE plans_planchange DISABLE TRIGGER plans_planchange_append_only"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    state = MigrationLoader(connection).project_state(("plans", "0003_plan_change_mentions"))
    historical = state.apps.get_model("plans", "PlanChange")
    historical.objects.update(mentions="")
    answer = PlanChange.objects.create(
        plan=noted_plan,
        actor=coordinator,
        section="meetings",
        action="update",
        summary="Nina Sykepleier svarte på møteinnkallingen: Kommer",
    )
    renamed = PlanChange.objects.create(
        plan=noted_plan,
        actor=coordinator,
        section="notes",
        action="create",
        summary="Nytt notat om «Borte»",
    )
    migration.mark_existing(state.apps, None)
    assert (
        PlanChange.objects.get(plan=noted_plan, section="notes", summary__contains=MEASURE).mentions
        == ",measures,"
    )
    assert PlanChange.objects.get(pk=renamed.pk).mentions == ",goals,measures,"
    assert PlanChange.objects.get(pk=answer.pk).mentions == ",participants,"
    assert PlanChange.objects.get(plan=noted_plan, section="goals").mentions == ""


@pytest.fixture
def measures_writer(access_plan, coordinator, guardian):
    """Mette writes measures; she may not read the participants section. Lars Berg (Emma's
    father) is a participant too."""
    plan = access_plan
    participant_add(
        plan=plan, user=guardian, name="Lars Berg", role="guardian", acting_user=coordinator
    )
    return _participant(plan, coordinator, guardian, "mette", "Mette", {"measures": "write"})


def test_the_measure_form_offers_only_herself_as_responsible_without_the_participants(
    client, access_plan, measures_writer
):
    user, _participant = measures_writer
    client.force_login(user)
    body = client.get(reverse("plans:measure_create", args=[access_plan.pk])).content.decode()
    assert "Mette" in body
    assert "Lars Berg" not in body and "Nina Sykepleier" not in body


def test_the_measure_form_lists_every_participant_for_the_coordinator(
    client, access_plan, measures_writer, coordinator
):
    client.force_login(coordinator)
    body = client.get(reverse("plans:measure_create", args=[access_plan.pk])).content.decode()
    assert "Lars Berg" in body and "Mette" in body


def test_the_service_refuses_someone_else_as_responsible_from_a_writer_without_participants(
    access_plan, measures_writer, coordinator
):
    user, own = measures_writer
    goal = goal_create(plan=access_plan, title=GOAL, acting_user=coordinator)
    nurse = access_plan.people["nurse_participant"]
    with pytest.raises(ValidationError) as error:
        measure_create(plan=access_plan, goal=goal, title="x", responsible=nurse, acting_user=user)
    assert error.value.message_dict["responsible"] == [str(RESPONSIBLE_NOT_YOURS_TO_CHOOSE)]
    mine = measure_create(plan=access_plan, goal=goal, title="x", responsible=own, acting_user=user)
    assert mine.responsible == own
    theirs = measure_create(
        plan=access_plan, goal=goal, title="y", responsible=nurse, acting_user=coordinator
    )
    # Keeping the responsible someone else chose is fine; changing it to another is not.
    measure_update(
        measure=theirs,
        expected_version=theirs.version,
        title="z",
        responsible=nurse,
        acting_user=user,
    )
    theirs.refresh_from_db()
    with pytest.raises(ValidationError):
        measure_update(
            measure=theirs,
            expected_version=theirs.version,
            responsible=access_plan.people["teacher_participant"],
            acting_user=user,
        )
