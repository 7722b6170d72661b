"""Flash messages live in the server-side session and carry no plan text: no response sets a
messages cookie, and a goal's title never reaches any cookie."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from plans.models import Goal

TITLE = "Hemmelig-mål-7731"


def _all_cookie_text(client, *responses) -> str:
    values = [str(morsel) for r in responses for morsel in r.cookies.values()]
    values += [str(morsel) for morsel in client.cookies.values()]
    return "\n".join(values)


def test_it_keeps_messages_in_the_session():
    assert settings.MESSAGE_STORAGE == "django.contrib.messages.storage.session.SessionStorage"


def test_a_goal_title_never_reaches_a_cookie_and_no_messages_cookie_is_set(
    client, coordinator, plan
):
    client.force_login(coordinator)
    created = client.post(
        reverse("plans:goal_create", args=[plan.pk]),
        {"version": 1, "title": TITLE, "status": "in_progress"},
    )
    assert created.status_code == 302 and Goal.objects.filter(title=TITLE).exists()
    shown = client.get(created["Location"])
    assert "messages" not in created.cookies and "messages" not in shown.cookies
    assert "messages" not in client.cookies
    cookies = _all_cookie_text(client, created, shown)
    assert TITLE not in cookies and "Hemmelig" not in cookies
    # The confirmation itself names no plan content either.
    assert [str(m) for m in shown.context["messages"]] == ["Målet er lagt til."]
