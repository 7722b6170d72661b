"""The plan page's goals, participants, cooperation, documents, notes and plan health are kept
rendered in the cache (plans.fragments): a write shows at once, a reader is never served a
section their grants do not give them now (revoked, narrowed or expired), the language and the
reader's own CSRF token are right, and what the cache holds is neither plain text nor a token."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from consent.models import AccessGrant
from consent.services.consents import plan_consent_give
from consent.services.grants import grants_decide, grants_revoke
from plans import fragments
from plans.models import CooperationNeed, Measure
from plans.services.goals import goal_create
from plans.services.measures import measure_create, measure_update
from plans.services.participants import participant_add
from tests.clients import StagedLoginClient
from tests.factories import staff

pytestmark = pytest.mark.django_db

GOAL = "Bo i egen leilighet"
MEASURE = "Praktisk bistand hjemme"
SOON = timezone.localdate() + datetime.timedelta(days=60)


@pytest.fixture
def shared(plan, owner, coordinator, municipality):
    """Ingrid's plan with one goal and one measure; Per reads goals and measures, Nina goals."""
    plan_consent_give(plan=plan, acting_user=owner)
    per = staff("professional", municipality, username="per", first_name="Per", last_name="H")
    nina = staff("professional", municipality, username="nina", first_name="Nina", last_name="S")
    people = {}
    for user, levels in ((per, {"goals": "read", "measures": "read"}), (nina, {"goals": "read"})):
        people[user.username] = participant_add(
            plan=plan,
            user=user,
            name=user.get_full_name(),
            role="service_provider",
            acting_user=coordinator,
        )
        grants_decide(
            plan=plan,
            participant=people[user.username],
            ends_on=SOON,
            acting_user=owner,
            levels=levels,
        )
    goal = goal_create(plan=plan, title=GOAL, acting_user=coordinator)
    measure = measure_create(plan=plan, goal=goal, title=MEASURE, acting_user=coordinator)
    return {"plan": plan, "per": per, "nina": nina, "people": people, "measure": measure}


def _page(client, plan) -> str:
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _logged_in(user, **kwargs) -> StagedLoginClient:
    client = StagedLoginClient(**kwargs)
    client.force_login(user)
    return client


def test_the_second_view_is_served_from_the_cache(shared, coordinator, monkeypatch):
    plan = shared["plan"]
    client = _logged_in(coordinator)
    first = _page(client, plan)
    rendered = []
    original = fragments.fragment_set
    monkeypatch.setattr(
        "plans.templatetags.plan_fragments.fragment_set",
        lambda *args: rendered.append(args[1]) or original(*args),
    )
    second = _page(client, plan)
    assert rendered == []  # nothing rendered again
    assert MEASURE in second and second.count(MEASURE) == first.count(MEASURE)


def test_a_write_shows_at_once(shared, coordinator):
    plan, measure = shared["plan"], shared["measure"]
    client = _logged_in(coordinator)
    assert MEASURE in _page(client, plan)
    measure_update(
        measure=measure,
        expected_version=measure.version,
        acting_user=coordinator,
        title="Hjelp til innkjøp",
    )
    page = _page(client, plan)
    assert "Hjelp til innkjøp" in page and MEASURE not in page
    goal_create(plan=plan, title="Få en jobb", acting_user=coordinator)
    assert "Få en jobb" in _page(client, plan)


def test_each_reader_sees_only_their_sections_even_from_the_cache(shared):
    plan = shared["plan"]
    per, nina = _logged_in(shared["per"]), _logged_in(shared["nina"])
    per_page = _page(per, plan)
    assert GOAL in per_page and MEASURE in per_page
    nina_page = _page(nina, plan)  # after Per filled the cache
    assert GOAL in nina_page and MEASURE not in nina_page


def test_a_narrowed_grant_is_seen_at_once(shared, owner):
    plan = shared["plan"]
    per = _logged_in(shared["per"])
    assert MEASURE in _page(per, plan)
    grants_decide(
        plan=plan,
        participant=shared["people"]["per"],
        ends_on=SOON,
        acting_user=owner,
        levels={"goals": "read", "measures": None},
    )
    page = _page(per, plan)
    assert GOAL in page and MEASURE not in page


def test_an_expired_grant_is_not_served_from_the_cache(shared):
    """No write happens when a grant runs out: the reader's grants are part of the key."""
    plan = shared["plan"]
    per = _logged_in(shared["per"])
    assert MEASURE in _page(per, plan)
    AccessGrant.objects.filter(participant=shared["people"]["per"], section="measures").update(
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    page = _page(per, plan)
    assert GOAL in page and MEASURE not in page


def test_a_revoked_reader_gets_nothing(shared, owner):
    plan = shared["plan"]
    per = _logged_in(shared["per"])
    assert MEASURE in _page(per, plan)
    grants_revoke(plan=plan, participant=shared["people"]["per"], acting_user=owner)
    response = per.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 404
    assert MEASURE.encode() not in response.content


def test_the_language_is_part_of_the_key(shared, coordinator, settings):
    client = _logged_in(coordinator)
    assert "<dt>Hvem</dt>" in _page(client, shared["plan"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _page(client, shared["plan"])
    assert "<dt>Who</dt>" in page and "<dt>Hvem</dt>" not in page


def test_each_session_gets_its_own_csrf_token(shared, coordinator):
    """Two sessions of one coordinator: the second page comes from the cache, and its move
    form carries the second session's token, which the second session can post with."""
    plan = shared["plan"]
    goal_create(plan=plan, title="Et mål til", acting_user=coordinator)
    first = _logged_in(coordinator, enforce_csrf_checks=True)
    second = _logged_in(coordinator, enforce_csrf_checks=True)
    _page(first, plan)
    page = _page(second, plan)
    assert fragments.CSRF_MARKER not in page
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', page))
    assert len(tokens) == 1 and "" not in tokens
    move = re.search(r'action="(/[^"]*/flytt/)"', page) or re.search(
        r'<form method="post" action="([^"]+)" class="inline-form move-form"', page
    )
    response = second.post(
        move.group(1), {"direction": "down", "csrfmiddlewaretoken": tokens.pop()}
    )
    assert response.status_code == 302


def test_the_cache_holds_no_plain_text_and_no_token(shared, coordinator):
    plan = shared["plan"]
    client = _logged_in(coordinator)
    page = _page(client, plan)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    key = fragments.fragment_key(_access(coordinator, plan), fragments.content_stamp(plan))
    stored = cache.get(fragments._cache_key(key, "goals"))
    assert stored is not None
    assert MEASURE.encode() not in stored and token.encode() not in stored
    opened = fragments.fragment_get(key, "goals")
    assert MEASURE in opened and token not in opened and fragments.CSRF_MARKER in opened


def test_a_tampered_entry_is_rendered_again(shared, coordinator, monkeypatch):
    # The part itself, not the whole page (tests/plans/test_page_fragment.py).
    monkeypatch.setattr("plans.views.plan.page_cacheable", lambda *args, **kwargs: False)
    plan = shared["plan"]
    client = _logged_in(coordinator)
    _page(client, plan)
    key = fragments.fragment_key(_access(coordinator, plan), fragments.content_stamp(plan))
    cache.set(fragments._cache_key(key, "goals"), b"not a token", 60)
    assert MEASURE in _page(client, plan)


def test_the_key_changes_with_every_recorded_write(shared, coordinator):
    plan = shared["plan"]
    before = fragments.content_stamp(plan)
    measure = Measure.objects.get(pk=shared["measure"].pk)
    measure_update(
        measure=measure, expected_version=measure.version, acting_user=coordinator, scope="2 t"
    )
    assert fragments.content_stamp(plan) != before


def _access(user, plan):
    from consent.policy import plan_access

    return plan_access(user, plan)


def test_a_small_plan_is_kept_too(shared, coordinator):
    plan = shared["plan"]
    client = _logged_in(coordinator)
    assert MEASURE in _page(client, plan)
    key = fragments.fragment_key(_access(coordinator, plan), fragments.content_stamp(plan))
    assert MEASURE in fragments.fragment_get(key, "goals")


def test_a_large_plan_is_kept(plan, coordinator):
    from tests.plans.test_query_budget import fill

    fill(plan, coordinator, goals=8, measures=30, notes=3, participants=4)
    client = _logged_in(coordinator)
    page = _page(client, plan)
    key = fragments.fragment_key(_access(coordinator, plan), fragments.content_stamp(plan))
    assert "Tiltak 29" in fragments.fragment_get(key, "goals")
    assert "Deltaker 3" in fragments.fragment_get(key, "participants")
    again = _page(client, plan)
    assert again.count("Tiltak 29") == page.count("Tiltak 29") > 0


# A query reading a cached part's items themselves (not a count in a subquery, which
# Django aliases U0, V0...), or counting plan health.
LOADS_ITEMS = re.compile(
    r'FROM "plans_(goal|measure|participant|cooperationneed|subplan|progressnote)"(?! [A-Z]\d)'
    r'|AS "n_goals"'
)


@pytest.mark.parametrize("reader", ["coordinator", "owner"])
def test_on_a_cache_hit_no_goal_measure_or_participant_is_loaded(reader, plan, coordinator, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.plans.test_query_budget import fill

    fill(plan, coordinator, goals=3, measures=5, notes=2, participants=2)
    CooperationNeed.objects.create(plan=plan, with_whom="Skolen", description="Felles møter")
    plan_consent_give(plan=plan, acting_user=owner)
    client = _logged_in(coordinator if reader == "coordinator" else owner)
    with CaptureQueriesContext(connection) as first:
        page = _page(client, plan)
    assert any(LOADS_ITEMS.search(q["sql"]) for q in first.captured_queries)
    with CaptureQueriesContext(connection) as hit:
        again = _page(client, plan)
    assert not [q["sql"] for q in hit.captured_queries if LOADS_ITEMS.search(q["sql"])]
    assert len(hit.captured_queries) < len(first.captured_queries)
    for text in ("Tiltak 4", "Mål 2", "Deltaker 1", "Skolen", "Felles møter", "Notat 1"):
        assert again.count(text) == page.count(text) > 0, text
    assert again.count("health-missing") == page.count("health-missing")


def test_a_new_note_and_cooperation_need_show_at_once(shared, coordinator):
    from plans.services.notes import note_create
    from plans.services.participants import cooperation_create

    plan = shared["plan"]
    client = _logged_in(coordinator)
    _page(client, plan)
    note_create(
        plan=plan,
        text="Første samtale gikk fint",
        noted_on=timezone.localdate(),
        measure=shared["measure"],
        acting_user=coordinator,
    )
    cooperation_create(
        plan=plan, with_whom="PPT", description="Sakkyndig vurdering", acting_user=coordinator
    )
    page = _page(client, plan)
    assert "Første samtale gikk fint" in page and "Sakkyndig vurdering" in page
