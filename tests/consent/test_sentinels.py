"""Section data stays in its section everywhere: pages, PDF, e-mails. A sentinel string is
written into each section; a participant granted only measures must never meet the others."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from consent.services import grants_propose, invitation_send
from plans.services.goals import goal_create
from plans.services.lifecycle import about_me_update
from plans.services.measures import measure_create
from plans.services.notes import note_create
from plans.services.participants import cooperation_create, participant_update
from tests.consent.conftest import IN_A_MONTH
from tests.urlwalk import all_routes

SENTINELS = {
    "about_me": "SENTINEL-ABOUTME-7f3a",
    "goals": "SENTINEL-GOALS-91bd",
    "measures": "SENTINEL-MEASURES-c044",
    "notes": "SENTINEL-NOTES-5e21",
    "participants": "SENTINEL-PARTICIPANTS-a8d9",
}


@pytest.fixture
def seeded(access_plan, coordinator, guardian, django_capture_on_commit_callbacks):
    plan = access_plan
    with django_capture_on_commit_callbacks(execute=True):
        about_me_update(
            plan=plan,
            expected_version=plan.about_me_version,
            acting_user=guardian,
            what_matters=SENTINELS["about_me"],
            resources="",
            needs="",
            language_culture="",
        )
        goal = goal_create(plan=plan, title=SENTINELS["goals"], acting_user=coordinator)
        measure = measure_create(
            plan=plan,
            goal=goal,
            title=SENTINELS["measures"],
            how=SENTINELS["measures"],
            acting_user=coordinator,
        )
        note_create(
            plan=plan,
            measure=measure,
            text=SENTINELS["notes"],
            noted_on=measure.created_at.date(),
            acting_user=coordinator,
        )
        cooperation_create(
            plan=plan,
            with_whom=SENTINELS["participants"],
            description=SENTINELS["participants"],
            acting_user=coordinator,
        )
        nurse = plan.people["nurse_participant"]
        participant_update(
            participant=nurse,
            expected_version=nurse.version,
            contribution=SENTINELS["participants"],
            acting_user=coordinator,
        )
        # Notifications caused in the same scenario: a proposal and an invitation.
        grants_propose(
            plan=plan,
            participant=plan.people["teacher_participant"],
            levels={"notes": "read"},
            ends_on=IN_A_MONTH,
            acting_user=coordinator,
        )
        invitation_send(
            plan=plan, participant=nurse, email="nina@example.org", acting_user=coordinator
        )
    plan.goal, plan.measure = goal, measure
    return plan


def leaks(text: str, allowed: set[str]) -> set[str]:
    return {s for section, s in SENTINELS.items() if section not in allowed and s in text}


def test_a_participant_with_measures_only_never_sees_other_sections(client, seeded):
    plan = seeded
    client.force_login(plan.people["nurse"])
    ids = {"plan_id": plan.pk, "measure_id": plan.measure.pk, "goal_id": plan.goal.pk}
    walked = 0
    for route in all_routes():
        if "plan_id" not in route.kwargs or not set(route.kwargs) <= set(ids):
            continue
        response = client.get(reverse(route.name, kwargs={k: ids[k] for k in route.kwargs}))
        body = response.content.decode(errors="replace") if not response.streaming else ""
        assert leaks(body, {"measures"}) == set(), route.name
        walked += 1
    assert walked >= 25
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert SENTINELS["measures"] in detail  # what was granted is shown


def test_the_pdf_holds_only_the_granted_section(client, seeded):
    client.force_login(seeded.people["nurse"])
    pdf = client.get(reverse("plans:pdf", args=[seeded.pk])).getvalue()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # A table cell may break the long sentinel after its hyphen; the text is still there.
    text = text.replace("-\n", "-")
    assert SENTINELS["measures"] in text
    assert leaks(text, {"measures"}) == set()


def test_a_participant_with_goals_only_sees_goals_but_no_measures(client, seeded):
    client.force_login(seeded.people["teacher"])
    body = client.get(reverse("plans:detail", args=[seeded.pk])).content.decode()
    assert SENTINELS["goals"] in body
    assert leaks(body, {"goals"}) == set()


def test_no_e_mail_carries_plan_content(seeded):
    assert {m.subject for m in mail.outbox} == {
        "Forslag som venter på deg i ipplan",
        "Invitasjon til ipplan",
    }
    for message in mail.outbox:
        assert leaks(message.subject + message.body, set()) == set()
        assert seeded.owner.first_name not in message.body
