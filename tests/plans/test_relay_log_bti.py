"""BTI levels (Bedre tverrfaglig innsats, levels 0-3) on a relay log's measures: required
for the services' measures on a relay log, shown on the measure, on the page's key facts (the
log's current level: the highest among open measures) and in the PDF, a change recorded in
the history; other kinds neither show nor take one; a relay log continued as an individual
plan keeps the levels on its measures without showing them."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from consent.policy import plan_access
from plans.models import Goal, Measure, Plan, PlanChange
from plans.selectors import plan_overview
from plans.services.measures import (
    LEVEL_ONLY_ON_RELAY_LOGS,
    LEVEL_REQUIRED,
    measure_create,
    measure_update,
)
from plans.services.pdf import _context
from tests.plans import test_relay_log as relay_fixtures

# The relay log's fixtures (Emma's relay log held by Tone) and the coordinating unit's.
relay, tone, granted = relay_fixtures.relay, relay_fixtures.tone, relay_fixtures.granted
kindergarten, school = relay_fixtures.kindergarten, relay_fixtures.school
rules, rule = relay_fixtures.rules, relay_fixtures.rule

Level = Measure.BtiLevel
CHANGED = "Endret tiltak: «%(title)s», fra nivå %(old)s til nivå %(new)s"


def _post(goal, **extra):
    return {
        "version": 1,
        "goal": goal.pk,
        "title": "Samtale med helsesykepleier",
        "status": "planned",
        **extra,
    }


def test_the_measure_form_asks_for_the_level_on_a_relay_log(client, relay, tone):
    client.force_login(tone)
    goal = Goal.objects.get(plan=relay)
    url = reverse("plans:measure_create", args=[relay.pk])
    form = client.get(url).content.decode()
    assert "Nivå (BTI)" in form and "Nivå 2: Samarbeid mellom to tjenester" in form
    before = (Measure.objects.count(), PlanChange.objects.count())
    # No level: a clear message, nothing saved.
    response = client.post(url, _post(goal))
    assert response.status_code == 400
    assert str(LEVEL_REQUIRED) in response.content.decode()
    # A level that does not exist: refused, nothing saved.
    for bad in ("7", "-1", "tre"):
        response = client.post(url, _post(goal, bti_level=bad))
        assert response.status_code == 400, bad
        assert "Velg et gyldig valg" in response.content.decode()
    assert (Measure.objects.count(), PlanChange.objects.count()) == before
    response = client.post(url, _post(goal, bti_level="2"))
    assert response.status_code == 302
    assert Measure.objects.get(title="Samtale med helsesykepleier").bti_level == 2


def test_the_service_refuses_a_relay_log_measure_without_a_level(relay, tone):
    goal = Goal.objects.get(plan=relay)
    with pytest.raises(ValidationError) as refused:
        measure_create(plan=relay, goal=goal, acting_user=tone, title="Uten nivå")
    assert refused.value.message_dict == {"bti_level": [str(LEVEL_REQUIRED)]}
    with pytest.raises(ValidationError):
        measure_create(plan=relay, goal=goal, acting_user=tone, title="Feil nivå", bti_level=9)
    assert not Measure.objects.filter(title__in=["Uten nivå", "Feil nivå"]).exists()
    # The family's own contribution is not a service's effort: it has no level.
    own = measure_create(
        plan=relay, goal=goal, acting_user=tone, title="Lese hjemme", is_own_contribution=True
    )
    assert own.bti_level is None


def test_a_level_change_is_in_the_history_and_the_header_shows_the_highest_open_level(
    client, relay, tone
):
    measure = Measure.objects.get(plan=relay)
    goal = measure.goal
    client.force_login(tone)
    page = client.get(reverse("plans:detail", args=[relay.pk])).content.decode()
    assert "Nivå nå (BTI)" in page and "Nivå 1: Tiltak i én tjeneste" in page

    url = reverse("plans:measure_edit", args=[relay.pk, measure.pk])
    edit = client.get(url).content.decode()
    # The measure's level is the one chosen on the form.
    assert re.findall(r'name="bti_level" value="(\d)"[^>]*checked', edit) == ["1"]
    response = client.post(
        url,
        _post(goal, title="Språkgruppe", bti_level="3", version=measure.version, status="ongoing"),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.bti_level == Level.SEVERAL_SERVICES
    change = PlanChange.objects.get(plan=relay, message=CHANGED)
    assert change.params == {"title": "Språkgruppe", "old": "1", "new": "3"}
    assert "fra nivå 1 til nivå 3" in change.text
    page = client.get(reverse("plans:detail", args=[relay.pk])).content.decode()
    assert "Nivå 3: Samarbeid mellom flere tjenester" in page

    # The highest level among open measures: a completed level 3 no longer counts.
    measure_create(
        plan=relay, goal=goal, acting_user=tone, title="Lekegruppe", bti_level=Level.TWO_SERVICES
    )
    measure_update(
        measure=measure,
        expected_version=measure.version,
        acting_user=tone,
        status=Measure.Status.COMPLETED,
    )
    overview = plan_overview(relay, plan_access(tone, relay))
    assert overview.bti_level == Level.TWO_SERVICES
    assert overview.bti_level_label == "Nivå 2: Samarbeid mellom to tjenester"
    # An edit that leaves the level as it was says nothing about levels.
    assert PlanChange.objects.filter(plan=relay, message=CHANGED).count() == 1


def test_the_pdf_shows_the_levels(relay, tone):
    overview = plan_overview(relay, plan_access(tone, relay))
    html = render_to_string(
        "plans/pdf/plan.html",
        _context(overview, printed_by="Tone Lund", printed_at=timezone.now(), purpose="print"),
    )
    assert "Nivå nå (BTI)" in html
    assert html.count("Nivå 1: Tiltak i én tjeneste") == 2  # the header and the measure


def test_other_kinds_neither_show_nor_take_a_level(client, plan, coordinator):
    goal = Goal.objects.create(plan=plan, title="Bo hjemme", created_by=coordinator)
    client.force_login(coordinator)
    url = reverse("plans:measure_create", args=[plan.pk])
    assert "Nivå (BTI)" not in client.get(url).content.decode()
    # No level needed; one posted anyway is ignored by the form.
    response = client.post(url, _post(goal, bti_level="2"))
    assert response.status_code == 302
    measure = Measure.objects.get(plan=plan)
    assert measure.bti_level is None
    with pytest.raises(ValidationError) as refused:
        measure_create(plan=plan, goal=goal, acting_user=coordinator, title="X", bti_level=1)
    assert refused.value.message_dict == {"bti_level": [str(LEVEL_ONLY_ON_RELAY_LOGS)]}
    with pytest.raises(ValidationError):
        measure_update(
            measure=measure, expected_version=measure.version, acting_user=coordinator, bti_level=2
        )
    measure.refresh_from_db()
    assert measure.bti_level is None
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Nivå nå (BTI)" not in page and "Nivå (BTI)" not in page


def test_a_continued_relay_log_keeps_the_levels_without_showing_them(
    client, relay, tone, coordinator, granted
):
    from plans.services.relay import relay_log_continue_as_plan

    relay_log_continue_as_plan(plan=relay, coordinator=coordinator, acting_user=tone)
    measure = Measure.objects.get(plan=relay)
    assert measure.bti_level == Level.ONE_SERVICE
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[relay.pk])).content.decode()
    assert "Språkgruppe" in page and "Nivå (BTI)" not in page and "Nivå nå" not in page
    # Editing the measure in the plan leaves its level as it was.
    url = reverse("plans:measure_edit", args=[relay.pk, measure.pk])
    assert "Nivå (BTI)" not in client.get(url).content.decode()
    response = client.post(
        url, _post(measure.goal, title="Språkgruppe i skolen", version=measure.version)
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.bti_level) == ("Språkgruppe i skolen", 1)


def test_the_migration_gives_existing_relay_log_measures_level_1(relay, plan, coordinator):
    import importlib

    migration = importlib.import_module("plans.migrations.0017_measure_bti_level")
    Measure.objects.filter(plan=relay).update(bti_level=None)
    goal = Goal.objects.create(plan=plan, title="Bo hjemme", created_by=coordinator)
    other = Measure.objects.create(
        plan=plan, goal=goal, title="Hjemmetjeneste", created_by=coordinator
    )
    own = Measure.objects.create(
        plan=relay,
        goal=Goal.objects.get(plan=relay),
        title="Lese hjemme",
        is_own_contribution=True,
        created_by=coordinator,
    )
    migration.forwards(apps, None)
    assert Measure.objects.get(plan=relay, title="Språkgruppe").bti_level == 1
    assert Measure.objects.get(pk=other.pk).bti_level is None
    assert Measure.objects.get(pk=own.pk).bti_level is None
    assert Plan.objects.get(pk=relay.pk).kind == Plan.Kind.RELAY_LOG
