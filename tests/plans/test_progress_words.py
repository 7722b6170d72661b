"""Issue 16 §4: progress and completeness say the same thing. A goal's bar is full only when
its sub-goals are reached and its measures completed; the owner's own contribution names the
owner as responsible instead of "Mangler"."""

import re

import pytest
from django.urls import reverse

from plans.models import Goal
from plans.services.goals import goal_create
from plans.services.measures import measure_create

pytestmark = pytest.mark.django_db


def test_a_goal_with_a_reached_sub_goal_and_open_work_is_not_shown_as_done(
    client, plan, owner, coordinator
):
    goal = goal_create(plan=plan, title="Bo hjemme", acting_user=coordinator)
    goal_create(
        plan=plan,
        title="Lage frokost",
        parent=goal,
        status=Goal.Status.ACHIEVED,
        acting_user=coordinator,
    )
    measure_create(plan=plan, acting_user=coordinator, title="Hjemmehjelp", goal=goal)
    client.force_login(owner)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    bar = re.search(
        rf'<progress value="(\d+)" max="(\d+)" aria-labelledby="progress-{goal.pk}"', page
    )
    assert bar and bar.groups() == ("1", "2")
    assert "1 av 1 delmål nådd, 0 av 1 tiltak fullført" in page


def test_the_owners_own_contribution_names_the_owner_as_responsible(
    client, plan, owner, coordinator
):
    goal = goal_create(plan=plan, title="Bo hjemme", acting_user=coordinator)
    measure_create(plan=plan, acting_user=owner, title="Gå tur hver dag", goal=goal)
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    item = page[page.index("Gå tur hver dag") :][:1500]
    assert "Planeier selv" in item and 'class="missing"' not in item
