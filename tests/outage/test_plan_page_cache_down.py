"""The plan page's cached parts (plans.fragments) with the test's own Redis killed: the page is
rendered as before (the cache degrades to memory) and a write still shows at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.services.goals import goal_create
from tests.clients import StagedLoginClient

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _page(client, plan) -> str:
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_with_redis_killed_the_plan_page_renders_and_a_write_shows(own_redis, plan, coordinator):
    goal_create(plan=plan, title="Bo hjemme", acting_user=coordinator)
    client = StagedLoginClient()
    client.force_login(coordinator)
    assert "Bo hjemme" in _page(client, plan)  # kept in Redis
    own_redis.kill()
    assert "Bo hjemme" in _page(client, plan)
    goal_create(plan=plan, title="Gå på skolen", acting_user=coordinator)
    page = _page(client, plan)
    assert "Bo hjemme" in page and "Gå på skolen" in page
