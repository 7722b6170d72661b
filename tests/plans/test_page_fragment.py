"""An individual plan's whole main content is kept as one fragment (plans.fragments.PAGE), under
a key that holds every per-request value it shows: on a hit nothing of the plan is loaded or
rendered, and a new meeting, an unread message, an archive copy, a proposed handover or the
owner's new login shows at once; a flash message is shown in its section (the page is then
rendered, not taken from the cache); a broken entry is rendered again; a relay log is never
kept whole."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from consent.services.consents import plan_consent_give
from coordination.models import Meeting, Message, MessageThread
from plans import fragments
from plans.models import ArchiveRecord, CoordinatorHandover
from plans.services.goals import goal_create
from tests.clients import StagedLoginClient
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(plan, owner, coordinator):
    plan_consent_give(plan=plan, acting_user=owner)
    goal_create(plan=plan, title="Bo i egen leilighet", acting_user=coordinator)
    return plan


def _client(user) -> StagedLoginClient:
    client = StagedLoginClient()
    client.force_login(user)
    return client


def _page(client, plan) -> str:
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def page_keys(monkeypatch):
    """The whole-page keys the views make."""
    made = []
    original = fragments.page_fragment_key

    def recording(key, shown):
        made.append(original(key, shown))
        return made[-1]

    monkeypatch.setattr("plans.views.plan.page_fragment_key", recording)
    return made


@pytest.mark.parametrize("reader", ["owner", "coordinator"])
def test_a_hit_loads_and_renders_nothing_of_the_plan(reader, ready, request, monkeypatch):
    client = _client(request.getfixturevalue(reader))
    first = _page(client, ready)
    for name in ("plan_overview", "continue_as_plan_coordinator"):
        monkeypatch.setattr(f"plans.views.plan.{name}", pytest.fail)
    monkeypatch.setattr("plans.templatetags.plan_fragments.fragment_set", pytest.fail)
    # The same page, but for the CSRF token (masked anew for every response).
    assert _unmasked(_page(client, ready)) == _unmasked(first)


def _unmasked(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", page)


def test_the_facts_that_change_without_a_write_show_at_once(ready, owner, coordinator):
    client = _client(owner)
    page = _page(client, ready)
    assert "Ingen møte er planlagt" in page and "Se meldingene" in page
    Meeting.objects.create(
        plan=ready,
        title="Samarbeidsmøte",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        duration_minutes=60,
        created_by=coordinator,
    )
    assert "Ingen møte er planlagt" not in _page(client, ready)
    thread = MessageThread.objects.create(plan=ready, subject="Hei", created_by=coordinator)
    Message.objects.create(thread=thread, author=coordinator, body="Hei")
    assert "Du har 1 ulest melding" in _page(client, ready)
    ArchiveRecord.objects.create(
        plan=ready, reason="closing", storage_name="archive/x.pdf", size=1, sha256="a" * 64
    )
    assert "lagret" in _page(client, ready)


def test_a_handover_and_the_owners_login_show_at_once(ready, owner, coordinator, municipality):
    owner.set_unusable_password()
    owner.save()
    client = _client(coordinator)
    page = _page(client, ready)
    assert "Innlogging for planeier" in page and "som ny koordinator" not in page
    new = staff("coordinator", municipality, username="ny", first_name="Nora", last_name="Ny")
    CoordinatorHandover.objects.create(plan=ready, from_coordinator=coordinator, to_coordinator=new)
    assert "Du foreslo Nora Ny som ny koordinator" in _page(client, ready)
    SocialAccount.objects.create(user=owner, provider="idporten", uid="sub-x")
    assert "Innlogging for planeier" not in _page(client, ready)


def test_a_flash_message_is_shown_in_its_section(ready, coordinator):
    client = _client(coordinator)
    _page(client, ready)
    response = client.post(
        reverse("plans:details_edit", args=[ready.pk]),
        {
            "version": ready.version,
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
            "next_evaluation": "2027-06-01",
        },
        follow=True,
    )
    assert "Planperioden er lagret." in response.content.decode()
    again = _page(client, ready)
    assert "Planperioden er lagret." not in again and "Kort om planen" in again


def test_a_broken_page_entry_is_rendered_again(ready, coordinator, page_keys):
    client = _client(coordinator)
    _page(client, ready)
    cache.set(fragments._cache_key(page_keys[-1], fragments.PAGE), b"not a token", 60)
    assert "Bo i egen leilighet" in _page(client, ready)


def test_the_whole_page_is_kept_sealed(ready, coordinator, page_keys):
    client = _client(coordinator)
    _page(client, ready)
    stored = cache.get(fragments._cache_key(page_keys[-1], fragments.PAGE))
    assert stored is not None and b"Bo i egen leilighet" not in stored


def test_a_relay_log_is_never_kept_whole(ready, coordinator, page_keys):
    ready.kind = "relay_log"
    ready.save()
    _page(_client(coordinator), ready)
    assert page_keys == []
