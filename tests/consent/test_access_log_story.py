"""The access log reads like a story: by day and by person, in plain words that fit the reader
(the owner reads "dine", a parent reading the child's log does not), filtered by person and
period, in both languages, at a query cost that does not grow with the log."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consent.forms import LOG_DATE_OUT_OF_RANGE, LOG_PERIOD_BACKWARDS
from consent.log_story import DAY_LINES_SHOWN
from consent.models import AccessLogEntry
from consent.views.log import LOG_PAGE_SIZE
from plans.services.goals import goal_create
from tests.factories import staff

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def log_url(plan) -> str:
    return reverse("consent:log", args=[plan.pk])


def at(days_ago: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def entry(plan, actor, when, *, action="read", sections=("overview", "goals"), **fields):
    return AccessLogEntry(
        plan=plan,
        actor=actor,
        actor_role=fields.pop("actor_role", "coordinator"),
        organisation_name=fields.pop("organisation_name", "Hjemmetjenesten"),
        action=action,
        section=sections[-1],
        sections=list(sections),
        at=when,
        **fields,
    )


# --- Real page views, read back by the owner and by a parent --------------------------------


def test_the_owner_reads_a_coordinators_page_views_as_one_sentence(
    client, plan, owner, coordinator
):
    client.force_login(coordinator)
    goal = goal_create(plan=plan, title="Bo hjemme", acting_user=coordinator)
    for url in (
        reverse("plans:goal_edit", args=[plan.pk, goal.pk]),
        reverse("plans:notes", args=[plan.pk]),
        reverse("plans:pdf", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 200
    client.force_login(owner)
    page = client.get(log_url(plan))
    [today] = page.context["days"]
    [line] = today.lines
    assert len(line.entries) == 4  # the new goal, two page views and the PDF
    text = text_of(page)
    assert today.label == "I dag"
    assert (
        "<strong>Kari Nilsen, koordinator i Hjemmetjenesten</strong>, la til noe i målene dine, "
        "så målene, tiltakene og utviklingsnotatene dine og lastet ned "
    ) in text
    assert "som PDF." in text


def test_a_parent_reads_the_childs_log_without_dine(client, access_plan, guardian):
    nurse = access_plan.people["nurse"]
    client.force_login(nurse)
    assert client.get(reverse("plans:detail", args=[access_plan.pk])).status_code == 200
    client.force_login(guardian)
    text = text_of(client.get(log_url(access_plan)))
    assert "<strong>Nina Sykepleier, plandeltaker</strong>, så tiltakene." in text
    assert "dine" not in text.split("Nina Sykepleier", 1)[1].split("</li>", 1)[0]
    assert "planen til Emma" in text


def test_the_owner_reads_her_own_doings_as_du_when_she_asks(client, plan, owner):
    client.force_login(owner)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    text = text_of(client.get(log_url(plan), {"include_own": "on"}))
    assert "<strong>Du</strong> så hele planen din." in text


# --- The sentence for each role and part of the plan, from stored entries ------------------

CASES = [
    # (role, organisation, action, sections, the owner reads, a parent reads)
    (
        "coordinator",
        "Hjemmetjenesten",
        "read",
        ["overview", "goals", "measures"],
        "Kari Nilsen, koordinator i Hjemmetjenesten, så målene og tiltakene dine.",
        "Kari Nilsen, koordinator i Hjemmetjenesten, så målene og tiltakene.",
    ),
    (
        "participant",
        "NAV Fjordvik",
        "read",
        ["overview", "about_me"],
        "Kari Nilsen, plandeltaker i NAV Fjordvik, så «Om meg»-delen din.",
        "Kari Nilsen, plandeltaker i NAV Fjordvik, så «Om meg»-delen.",
    ),
    (
        "participant",
        "",
        "read",
        ["overview", "meetings", "participants"],
        "Kari Nilsen, plandeltaker, så møtene og deltakerlisten din.",
        "Kari Nilsen, plandeltaker, så møtene og deltakerlisten.",
    ),
    (
        "coordinator",
        "",
        "update",
        ["notes"],
        "Kari Nilsen, koordinator, endret noe i utviklingsnotatene dine.",
        "Kari Nilsen, koordinator, endret noe i utviklingsnotatene.",
    ),
    (
        "coordinator",
        "",
        "delete",
        ["messages"],
        "Kari Nilsen, koordinator, fjernet noe fra meldingene dine.",
        "Kari Nilsen, koordinator, fjernet noe fra meldingene.",
    ),
    (
        "case_handler",
        "",
        "export",
        ["overview", "goals", "documents"],
        "Kari Nilsen, saksbehandler, lastet ned målene og dokumentene dine som PDF.",
        "Kari Nilsen, saksbehandler, lastet ned målene og dokumentene som PDF.",
    ),
    (
        "coordinator",
        "",
        "download",
        ["overview", "documents"],
        "Kari Nilsen, koordinator, lastet ned en fil fra dokumentene dine.",
        "Kari Nilsen, koordinator, lastet ned en fil fra dokumentene.",
    ),
    (
        "representative",
        "",
        "read",
        ["overview"],
        "Kari Nilsen, foresatt eller verge, så planen din.",
        "Kari Nilsen, foresatt eller verge, så planen.",
    ),
    (
        "coordinator",
        "",
        "archive",
        ["overview", "goals"],
        "Kari Nilsen, koordinator, arkiverte planen din.",
        "Kari Nilsen, koordinator, arkiverte planen.",
    ),
]


def plain(response) -> str:
    return text_of(response).replace("<strong>", "").replace("</strong>", "")


@pytest.mark.parametrize(
    ("role", "organisation", "action", "sections", "owner_reads", "parent_reads"), CASES
)
def test_the_sentence_fits_the_role_the_part_and_the_reader(
    client,
    plan,
    owner,
    access_plan,
    guardian,
    coordinator,
    role,
    organisation,
    action,
    sections,
    owner_reads,
    parent_reads,
):
    for readers_plan, reader, expected in (
        (plan, owner, owner_reads),
        (access_plan, guardian, parent_reads),
    ):
        AccessLogEntry.objects.bulk_create(
            [
                entry(
                    readers_plan,
                    coordinator,
                    at(3, 9),
                    action=action,
                    sections=sections,
                    actor_role=role,
                    organisation_name=organisation,
                )
            ]
        )
        client.force_login(reader)
        day = timezone.localdate() - datetime.timedelta(days=3)
        assert expected in plain(
            client.get(log_url(readers_plan), {"date_from": day, "date_to": day})
        )


def test_every_part_at_once_is_the_whole_plan(client, plan, owner, coordinator):
    every = [
        "overview",
        "about_me",
        "goals",
        "measures",
        "notes",
        "meetings",
        "messages",
        "documents",
        "participants",
    ]
    AccessLogEntry.objects.bulk_create(
        [entry(plan, coordinator, at(2, 9), action="export", sections=every)]
    )
    client.force_login(owner)
    assert "lastet ned hele planen din som PDF." in plain(client.get(log_url(plan)))


def test_a_system_entry_is_told_as_ipplan(client, plan, owner):
    AccessLogEntry.objects.bulk_create(
        [entry(plan, None, at(2, 3), action="archive", actor_role="system", organisation_name="")]
    )
    client.force_login(owner)
    assert "ipplan arkiverte planen din." in plain(client.get(log_url(plan)))


def test_the_story_is_told_in_english(client, plan, owner, access_plan, guardian, coordinator):
    AccessLogEntry.objects.bulk_create(
        [
            entry(plan, coordinator, at(1, 9), sections=["overview", "goals", "measures"]),
            entry(plan, coordinator, at(1, 9, 5), action="update", sections=["measures"]),
            entry(access_plan, coordinator, at(1, 9), sections=["overview", "about_me"]),
        ]
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(owner)
    page = client.get(log_url(plan))
    assert page.context["days"][0].label == "Yesterday"
    assert (
        "Kari Nilsen, coordinator at Hjemmetjenesten, saw your goals and measures and changed "
        "something in your measures."
    ) in plain(page)
    client.force_login(guardian)
    assert "Kari Nilsen, coordinator at Hjemmetjenesten, saw the “About me” part." in plain(
        client.get(log_url(access_plan))
    )


def test_changes_of_several_kinds_are_one_clause_and_a_list_adds_nothing_to_a_read(
    client, plan, owner, coordinator
):
    AccessLogEntry.objects.bulk_create(
        [
            entry(plan, coordinator, at(2, 9), action="list", sections=["overview"]),
            entry(plan, coordinator, at(2, 9, 1), action="create", sections=["goals"]),
            entry(plan, coordinator, at(2, 9, 2), sections=["overview", "goals"]),
            entry(plan, coordinator, at(2, 9, 3), action="delete", sections=["measures"]),
        ]
    )
    client.force_login(owner)
    [line] = client.get(log_url(plan)).context["days"][0].lines
    assert line.did == "endret noe i målene og tiltakene dine og så målene dine"


# --- Grouping ------------------------------------------------------------------------------


def test_it_groups_by_day_and_then_by_person(client, access_plan, guardian, coordinator):
    nurse, teacher = access_plan.people["nurse"], access_plan.people["teacher"]
    participant = {"actor_role": "participant", "organisation_name": ""}
    AccessLogEntry.objects.bulk_create(
        [
            entry(access_plan, coordinator, at(5, 9), sections=["overview", "goals"]),
            entry(access_plan, nurse, at(5, 10), sections=["overview", "measures"], **participant),
            entry(access_plan, coordinator, at(5, 15), sections=["overview", "notes"]),
            entry(access_plan, teacher, at(4, 8), sections=["overview", "goals"], **participant),
            entry(access_plan, coordinator, at(4, 12), action="update", sections=["goals"]),
        ]
    )
    client.force_login(guardian)
    start = timezone.localdate() - datetime.timedelta(days=5)
    page = client.get(
        log_url(access_plan), {"date_from": start, "date_to": start + datetime.timedelta(days=1)}
    )
    days = page.context["days"]
    assert [d.date for d in days] == [start + datetime.timedelta(days=1), start]
    assert [[(line.actor, len(line.entries)) for line in d.lines] for d in days] == [
        [(coordinator, 1), (teacher, 1)],
        [(coordinator, 2), (nurse, 1)],  # Kari's morning and afternoon are one line
    ]
    kari = days[1].lines[0]
    assert kari.did == "så målene og utviklingsnotatene"
    assert [step.text for step in kari.steps] == ["så målene", "så utviklingsnotatene"]
    text = text_of(page)
    assert f"{timezone.localtime(at(5, 9)):%H:%M}</time>–<time" in text


def test_a_busy_day_shows_five_people_and_folds_the_rest(client, plan, owner, municipality):
    people = [
        staff(
            "professional", municipality, username=f"p{i}", first_name=f"Person{i}", last_name="X"
        )
        for i in range(DAY_LINES_SHOWN + 2)
    ]
    AccessLogEntry.objects.bulk_create(
        [entry(plan, p, at(2, 8, i), actor_role="participant") for i, p in enumerate(people)]
    )
    client.force_login(owner)
    page = client.get(log_url(plan))
    [day] = page.context["days"]
    assert (len(day.shown), len(day.folded)) == (DAY_LINES_SHOWN, 2)
    assert "Vis 2 personer til denne dagen" in text_of(page)


# --- Filters and bad input -----------------------------------------------------------------


def test_it_filters_by_person_and_period(client, access_plan, guardian, coordinator):
    nurse = access_plan.people["nurse"]
    participant = {"actor_role": "participant", "organisation_name": ""}
    AccessLogEntry.objects.bulk_create(
        [
            entry(access_plan, coordinator, at(9, 9)),
            entry(access_plan, nurse, at(9, 10), **participant),
            entry(access_plan, nurse, at(3, 10), **participant),
        ]
    )
    client.force_login(guardian)
    day = timezone.localdate() - datetime.timedelta(days=9)
    page = client.get(log_url(access_plan), {"person": nurse.pk, "date_from": day, "date_to": day})
    assert page.status_code == 200
    assert [(line.actor, line.start) for d in page.context["days"] for line in d.lines] == [
        (nurse, at(9, 10))
    ]
    assert '<details class="ds-details log-filter-box" open>' in text_of(page)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2026-05-10", "date_to": "2026-05-01"}, LOG_PERIOD_BACKWARDS),
        ({"date_to": "9999-12-31"}, LOG_DATE_OUT_OF_RANGE),
        ({"date_from": "0001-01-01"}, LOG_DATE_OUT_OF_RANGE),
        ({"date_from": "31.02.2026"}, "Oppgi en gyldig dato."),
        ({"person": "999999"}, "Velg et gyldig valg."),
        ({"person": "abc"}, "Velg et gyldig valg."),
    ],
)
def test_bad_filter_input_is_a_clear_message_never_a_500(
    client, plan, owner, coordinator, query, message
):
    AccessLogEntry.objects.bulk_create([entry(plan, coordinator, at(1, 9))])
    client.force_login(owner)
    page = client.get(log_url(plan), query)
    assert page.status_code == 400
    text = text_of(page)
    assert "Loggen er ikke filtrert" in text and str(message).split(" %")[0] in text
    assert page.context["days"]  # the unfiltered log is still there


# --- Bounded ------------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_the_log(client, access_plan, guardian, coordinator):
    nurse = access_plan.people["nurse"]
    AccessLogEntry.objects.bulk_create(
        [entry(access_plan, coordinator, at(40, 9, i)) for i in range(5)]
    )
    client.force_login(guardian)
    with CaptureQueriesContext(connection) as few:
        client.get(log_url(access_plan))
    AccessLogEntry.objects.bulk_create(
        [
            entry(
                access_plan,
                [coordinator, nurse][i % 2],
                at(30 - i // 200, 8) + datetime.timedelta(seconds=i),
            )
            for i in range(3000)
        ],
        batch_size=1000,
    )
    with CaptureQueriesContext(connection) as many:
        page = client.get(log_url(access_plan))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(page.context["entries"]) <= LOG_PAGE_SIZE and page.context["has_more"]
    with CaptureQueriesContext(connection) as deeper:
        older = client.get(log_url(access_plan), {"etter": page.context["next_cursor"]})
    assert len(deeper.captured_queries) == len(few.captured_queries)
    assert older.context["entries"][0].at < page.context["entries"][-1].at


def test_a_day_cut_by_the_page_starts_the_next_page_whole(client, plan, owner, coordinator):
    AccessLogEntry.objects.bulk_create(
        [entry(plan, coordinator, at(3, 9, i)) for i in range(30)]
        + [
            entry(plan, coordinator, at(2, 8) + datetime.timedelta(seconds=i))
            for i in range(LOG_PAGE_SIZE - 10)
        ]
    )
    client.force_login(owner)
    first = client.get(log_url(plan)).context
    # Day 3 was cut by the page's end: not shown on it.
    assert [len(d.lines[0].entries) for d in first["days"]] == [LOG_PAGE_SIZE - 10]
    older = client.get(log_url(plan), {"etter": first["next_cursor"]}).context
    assert [len(d.lines[0].entries) for d in older["days"]] == [30]
