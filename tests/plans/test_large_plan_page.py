"""The plan page of a large plan (40 goals, 250 measures, 2,000 notes, 30 participants): each
measure once, folded under its goal (<details>, no JavaScript needed), and a rendering cost
that does not grow per measure in translations and URL reversals (the page's hot spots)."""

from __future__ import annotations

import re

import pytest
from django.templatetags import i18n
from django.urls import reverse

from plans import selectors
from plans.models import Measure
from tests.factories import PlanFactory, UserFactory
from tests.plans.test_query_budget import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_and_large(coordinator, municipality):
    small = PlanFactory(municipality=municipality, coordinator=coordinator)
    large = PlanFactory(municipality=municipality, coordinator=coordinator, owner=UserFactory())
    fill(small, coordinator, goals=3, measures=4, notes=5, participants=2)
    fill(large, coordinator, goals=40, measures=250, notes=2000, participants=30)
    return small, large


def _page(client, plan) -> str:
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_measure_is_shown_once_with_its_edit_link(client, coordinator, small_and_large):
    large = small_and_large[1]
    client.force_login(coordinator)
    page = _page(client, large)
    measures = list(Measure.objects.filter(plan=large))
    assert len(measures) == 250
    for measure in measures:
        assert page.count(f'id="measure-{measure.pk}"') == 1
        assert page.count(f'href="{reverse("plans:measure_edit", args=[large.pk, measure.pk])}"')
    assert page.count('<details class="goal-measures">') == 50  # folded: 40 goals + 10 sub-goals


def test_a_small_plan_shows_its_measures_unfolded(client, coordinator, small_and_large):
    client.force_login(coordinator)
    page = _page(client, small_and_large[0])
    assert '<details class="goal-measures" open>' in page
    assert '<details class="goal-measures">' not in page


def test_the_owner_cannot_edit_a_service_measure_but_reads_it(client, small_and_large):
    large = small_and_large[1]
    client.force_login(large.owner)
    page = _page(client, large)
    assert 'id="measure-' in page
    assert "/tiltak/" not in re.sub(r"tiltak/ny/\?goal=\d+", "", page)


def test_the_labels_follow_the_language(client, coordinator, small_and_large, settings):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _page(client, small_and_large[0])
    assert "<dt>Who</dt>" in page and "<dt>Hvem</dt>" not in page


def test_translations_and_url_reversals_do_not_grow_with_the_measures(
    client, coordinator, small_and_large, monkeypatch
):
    calls = {"translate": 0, "reverse": 0}
    render = i18n.TranslateNode.render

    def counting_render(self, context):
        calls["translate"] += 1
        return render(self, context)

    from django.template import defaulttags

    url_render = defaulttags.URLNode.render

    def counting_url(self, context):
        calls["reverse"] += 1
        return url_render(self, context)

    monkeypatch.setattr(i18n.TranslateNode, "render", counting_render)
    monkeypatch.setattr(defaulttags.URLNode, "render", counting_url)
    client.force_login(coordinator)
    counts = []
    for plan in small_and_large:
        calls.update(translate=0, reverse=0)
        _page(client, plan)
        counts.append(dict(calls))
    small, large = counts
    # 247 more measures and 45 more goals: neither grows per measure, and goals add at most
    # their own edit and move links.
    assert large["translate"] - small["translate"] < 20, counts
    # Participants add their edit and remove links (28 more).
    assert large["reverse"] - small["reverse"] <= 2 * 46 + 2 * 28, counts


def test_the_selector_decides_the_measure_rows(small_and_large, coordinator):
    from consent.policy import plan_access

    large = small_and_large[1]
    overview = selectors.plan_overview(large, plan_access(coordinator, large))
    assert all(m.editable and m.tag_color == "danger" and m.overdue for m in overview.measures)
    assert overview.collapse_measures
