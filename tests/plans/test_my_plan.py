"""Min plan: Emma (10) reads her own plan in plain words, her own goals first, what happens
next and who helps her; one access-log entry per view; only the owner opens it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consent.models import AccessLogEntry
from consent.services import plan_consent_give
from plans.models import Goal, Measure
from plans.services.goals import goal_create
from plans.services.measures import measure_create
from plans.services.participants import participant_add

pytestmark = pytest.mark.django_db

MY_GOAL = "Jeg vil sykle til skolen"
THEIR_GOAL = "Lese bedre"


@pytest.fixture
def emma_plan(child_plan, child, guardian, coordinator):
    plan = child_plan
    plan_consent_give(plan=plan, acting_user=guardian)
    theirs = goal_create(plan=plan, title=THEIR_GOAL, acting_user=coordinator)
    mine = goal_create(plan=plan, title=MY_GOAL, acting_user=child)
    teacher = participant_add(
        plan=plan,
        name="Tor Lærer",
        role="service_provider",
        title="Kontaktlærer",
        contribution="Leser med deg hver dag",
        acting_user=coordinator,
    )
    soon = timezone.localdate() + datetime.timedelta(days=10)
    measure_create(
        plan=plan,
        goal=theirs,
        title="Lesekurs",
        responsible=teacher,
        deadline=soon,
        acting_user=coordinator,
    )
    measure_create(
        plan=plan,
        goal=mine,
        title="Øve på sykkelen med pappa",
        is_own_contribution=True,
        acting_user=coordinator,
    )
    return plan


def open_my_plan(client, user, plan, **extra):
    client.force_login(user)
    return client.get(reverse("plans:my_plan", args=[plan.pk]), **extra)


def test_the_child_reads_her_own_goals_first(client, emma_plan, child):
    body = open_my_plan(client, child, emma_plan).content.decode()
    assert "Hei, Emma!" in body
    assert body.index(MY_GOAL) < body.index(THEIR_GOAL)
    assert "Du skrev dette målet" in body


def test_it_says_what_happens_next_and_who_helps(client, emma_plan, child):
    body = open_my_plan(client, child, emma_plan).content.decode()
    assert "«Lesekurs» skal være ferdig" in body
    assert "Kari Nilsen" in body and "Koordinatoren din" in body
    assert "Tor Lærer" in body and "Kontaktlærer" in body
    assert "Hjelper deg med: Leser med deg hver dag" in body


def test_it_speaks_english_to_an_english_reader(client, emma_plan, child):
    client.force_login(child)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("plans:my_plan", args=[emma_plan.pk])).content.decode()
    assert "Your goals" in body and "Who helps you" in body and "Hi, Emma!" in body


def test_one_view_is_one_access_log_entry(client, emma_plan, child):
    before = AccessLogEntry.objects.filter(plan=emma_plan, actor=child).count()
    assert open_my_plan(client, child, emma_plan).status_code == 200
    entries = AccessLogEntry.objects.filter(plan=emma_plan, actor=child)
    assert entries.count() == before + 1
    entry = entries.first()
    assert entry.action == "read"
    assert entry.sections == ["overview", "goals", "measures", "participants", "meetings"]


@pytest.mark.parametrize("who", ["guardian", "coordinator"])
def test_it_is_the_owner_s_own_view(client, request, emma_plan, who):
    assert open_my_plan(client, request.getfixturevalue(who), emma_plan).status_code == 403


@pytest.mark.parametrize("who", ["stranger", "case_handler", "administrator", "other_coordinator"])
def test_outsiders_and_staff_without_access_get_404(client, request, emma_plan, who):
    assert open_my_plan(client, request.getfixturevalue(who), emma_plan).status_code == 404


def test_the_plan_page_leads_a_child_to_min_plan(client, emma_plan, child, guardian):
    client.force_login(child)
    body = client.get(reverse("plans:detail", args=[emma_plan.pk])).content.decode()
    assert reverse("plans:my_plan", args=[emma_plan.pk]) in body
    client.force_login(guardian)
    body = client.get(reverse("plans:detail", args=[emma_plan.pk])).content.decode()
    assert reverse("plans:my_plan", args=[emma_plan.pk]) not in body


def test_an_adult_owner_may_open_it_too(client, plan, owner):
    assert open_my_plan(client, owner, plan).status_code == 200


def test_its_queries_do_not_grow_with_the_plan(
    client, emma_plan, child, coordinator, django_assert_max_num_queries
):
    open_my_plan(client, child, emma_plan)
    with CaptureQueriesContext(connection) as small:
        open_my_plan(client, child, emma_plan)
    goals = Goal.objects.bulk_create(
        [Goal(plan=emma_plan, title=f"Mål {i}", created_by=coordinator) for i in range(30)]
    )
    Measure.objects.bulk_create(
        [
            Measure(plan=emma_plan, goal=goals[i % 30], title=f"Tiltak {i}", created_by=coordinator)
            for i in range(90)
        ]
    )
    with django_assert_max_num_queries(MY_PLAN_BUDGET) as large:
        assert open_my_plan(client, child, emma_plan).status_code == 200
    assert len(large) == len(small)


# Like the owner's plan page (19) plus the meetings extension and the participants list.
MY_PLAN_BUDGET = 24
