"""After saving a part of the long plan page, the user returns to that part (its anchor), and
the confirmation is shown there, not at the top of the page (issue 16, phones)."""

import re

from django.urls import reverse

from plans.models import Plan


def _section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start : page.index("</section>", start)]


def _top_messages(page: str) -> str:
    match = re.search(r'<div class="messages" role="status">(.*?)</div>\s*\n', page, re.S)
    return match.group(1) if match else ""


def test_saving_about_me_returns_to_about_me_with_the_confirmation_there(client, owner, rich_plan):
    client.force_login(owner)
    url = reverse("plans:about_me_edit", args=[rich_plan.pk])
    response = client.post(
        url,
        {
            "version": rich_plan.about_me_version,
            "what_matters": "Turene med hunden",
            "resources": "",
            "needs": "",
            "language_culture": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[rich_plan.pk]) + "#about-me"
    page = client.get(response["Location"]).content.decode()
    assert "«Om meg» er lagret." in _section(page, "about-me")
    assert "«Om meg» er lagret." not in _top_messages(page)
    assert page.count("«Om meg» er lagret.") == 1


def test_changing_the_period_returns_to_the_key_facts(client, coordinator, plan):
    client.force_login(coordinator)
    plan = Plan.objects.get(pk=plan.pk)
    response = client.post(
        reverse("plans:details_edit", args=[plan.pk]),
        {
            "version": plan.version,
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
            "next_evaluation": "2026-06-01",
        },
    )
    assert response["Location"].endswith("#key-facts")
    page = client.get(response["Location"]).content.decode()
    assert "Planperioden er lagret." in _section(page, "key-facts")


def test_adding_a_participant_returns_to_who_is_involved(client, coordinator, plan, professional):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:participant_create", args=[plan.pk]),
        {
            "version": 1,
            "user": professional.pk,
            "name": "",
            "role": "service_provider",
            "contribution": "Oppfølging",
        },
    )
    assert response["Location"].endswith("#participants")
    page = client.get(response["Location"]).content.decode()
    assert "Deltakeren er lagt til." in _section(page, "participants")


def test_other_confirmations_still_show_at_the_top(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:goal_create", args=[plan.pk]),
        {"version": 1, "title": "Klare innkjøp selv", "description": "", "status": "in_progress"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Målet er lagt til." in _top_messages(page)
