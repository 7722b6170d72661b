"""Each section stays in its section, in every page and text (issue 9, point 3).

A sentinel string is written into every field of every section. Then, for each section, a
participant whose only grant is that section (read and write, so that forms open too) walks
every URL under the plan prefix, taken from the URL conf so that a new URL is walked without
touching this test: pages, forms, history, meetings, minutes, PDF, .ics. The e-mails sent to
them are read too. No sentinel of another section may appear anywhere.

Names are the participants section's: a participant's name, title, phone, e-mail and
contribution, and the cooperation needs. The organisations a measure can be assigned to are the
municipality's list of services, not plan content, so they carry no sentinel.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from consent.policy import people_who_can
from consent.services import grants_decide, plan_consent_give
from coordination.models import Meeting
from coordination.services.meetings import meeting_create
from coordination.services.messages import thread_start
from coordination.services.minutes import minutes_approve, minutes_save
from plans.models import Goal
from plans.sections import Section
from plans.services.documents import subplan_upload
from plans.services.goals import goal_create
from plans.services.lifecycle import about_me_update
from plans.services.measures import measure_create
from plans.services.notes import note_create
from plans.services.participants import cooperation_create, participant_add
from tests.consent.conftest import IN_A_MONTH
from tests.factories import staff
from tests.plans.conftest import MINIMAL_PDF
from tests.urlwalk import all_routes

PLAN_PREFIX = "/planer/"
# Every plan URL is walked. This is the count today: a new URL raises it (update the number
# after checking that the new page keeps sections apart); a silent skip lowers it.
PLAN_URL_COUNT = 66


def _sentinels(section: str, *fields: str) -> dict[str, str]:
    code = "".join(part.capitalize() for part in section.split("_"))
    return {name: f"Zq{code}{name.capitalize()}Qz" for name in fields}


S = {
    Section.ABOUT_ME: _sentinels("about_me", "whatmatters", "resources", "needs", "language"),
    Section.GOALS: _sentinels("goals", "title", "description", "subtitle", "evaluation"),
    Section.MEASURES: _sentinels("measures", "title", "how", "scope", "performedby"),
    Section.NOTES: _sentinels("notes", "text"),
    Section.PARTICIPANTS: _sentinels(
        "participants", "name", "title", "phone", "contribution", "withwhom", "cooperation"
    ),
    Section.MEETINGS: _sentinels(
        "meetings",
        "title",
        "place",
        "agenda",
        "agendanote",
        "decisions",
        "others",
        "point",
        "upcoming",
    ),
    Section.MESSAGES: _sentinels("messages", "subject", "body"),
    Section.DOCUMENTS: _sentinels("documents", "title", "filename"),
}
S[Section.PARTICIPANTS]["phone"] = "ZqPartPhoneQz"  # the field holds 20 characters
S[Section.PARTICIPANTS]["email"] = "zqparticipantsemailqz@example.org"


def leaks(text: str, allowed: str) -> set[str]:
    return {
        sentinel
        for section, fields in S.items()
        if section != allowed
        for sentinel in fields.values()
        if sentinel in text
    }


def shows_own(text: str, section: str) -> bool:
    return any(sentinel in text for sentinel in S[section].values())


def _walker(plan, coordinator, guardian, section: str):
    user = staff(
        "professional",
        plan.municipality,
        username=f"walker-{section}",
        first_name="Walker",
        last_name=section.replace("_", ""),
        email=f"walker-{section}@example.org",
    )
    participant = participant_add(
        plan=plan, user=user, name="Walker", role="service_provider", acting_user=coordinator
    )
    grants_decide(
        plan=plan,
        participant=participant,
        levels={section: "write"},
        ends_on=IN_A_MONTH,
        acting_user=guardian,
    )
    return user, participant


def _seed_people(plan, coordinator, guardian) -> dict:
    walkers = {s: _walker(plan, coordinator, guardian, s) for s in Section.values}
    p = S[Section.PARTICIPANTS]
    # A participant whose every field is a sentinel; with a login and the meetings section, so
    # that the name also reaches meeting invitations, attendee lists and responsible choices.
    named_user = staff("professional", plan.municipality, username="named", first_name="Sara")
    named = participant_add(
        plan=plan,
        user=named_user,
        name=p["name"],
        title=p["title"],
        phone=p["phone"],
        email=p["email"],
        contribution=p["contribution"],
        role="service_provider",
        acting_user=coordinator,
    )
    grants_decide(
        plan=plan,
        participant=named,
        levels={Section.MEETINGS: "read"},
        ends_on=IN_A_MONTH,
        acting_user=guardian,
    )
    need = cooperation_create(
        plan=plan, with_whom=p["withwhom"], description=p["cooperation"], acting_user=coordinator
    )
    return {"walkers": walkers, "named": named, "need": need}


def _seed_content(plan, coordinator, guardian, walkers) -> dict:
    a = S[Section.ABOUT_ME]
    about_me_update(
        plan=plan,
        expected_version=plan.about_me_version,
        acting_user=guardian,
        what_matters=a["whatmatters"],
        resources=a["resources"],
        needs=a["needs"],
        language_culture=a["language"],
    )
    g, m = S[Section.GOALS], S[Section.MEASURES]
    goal = goal_create(
        plan=plan, title=g["title"], description=g["description"], acting_user=coordinator
    )
    goal_create(plan=plan, title=g["subtitle"], parent=goal, acting_user=coordinator)
    measure = measure_create(
        plan=plan,
        goal=goal,
        title=m["title"],
        how=m["how"],
        scope=m["scope"],
        performed_by=m["performedby"],
        responsible=walkers[Section.MEASURES][1],
        acting_user=coordinator,
    )
    note = note_create(
        plan=plan,
        measure=measure,
        text=S[Section.NOTES]["text"],
        noted_on=timezone.localdate(),
        acting_user=coordinator,
    )
    d = S[Section.DOCUMENTS]
    subplan = subplan_upload(
        plan=plan,
        kind="training",
        title=d["title"],
        upload=SimpleUploadedFile(f"{d['filename']}.pdf", MINIMAL_PDF, "application/pdf"),
        acting_user=coordinator,
    )
    t = S[Section.MESSAGES]
    thread = thread_start(plan=plan, subject=t["subject"], body=t["body"], acting_user=coordinator)
    return {"goal": goal, "measure": measure, "note": note, "subplan": subplan, "thread": thread}


def _meeting(plan, coordinator, title, **extra):
    return meeting_create(
        plan=plan,
        title=title,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        duration_minutes=60,
        # Only readers of the meetings: an invitee without them sees the notice (by design,
        # tests/coordination/test_meeting_notice.py), which would blur what this checks.
        invitee_ids=[p.user.pk for p in people_who_can(plan, Section.MEETINGS)],
        acting_user=coordinator,
        **{"place": "", "video_link": "", "agenda": [], **extra},
    )


def _seed_meetings(plan, coordinator, goal, named) -> dict:
    mt = S[Section.MEETINGS]
    held = _meeting(plan, coordinator, mt["title"], place=mt["place"], agenda=[mt["agenda"]])
    Meeting.objects.filter(pk=held.pk).update(starts_at=timezone.now() - datetime.timedelta(days=1))
    held.refresh_from_db()
    attendees = list(held.invitees.values_list("pk", flat=True))
    minutes = minutes_save(
        meeting=held,
        expected_version=None,
        attendee_ids=attendees,
        other_attendees=mt["others"],
        decisions=mt["decisions"],
        agenda_notes={held.agenda.get().pk: mt["agendanote"]},
        evaluations={goal.pk: (Goal.Status.IN_PROGRESS, S[Section.GOALS]["evaluation"])},
        action_points=[{"title": mt["point"], "goal_id": goal.pk, "responsible_id": named.pk}],
        acting_user=coordinator,
    )
    minutes_approve(minutes=minutes, acting_user=coordinator)
    # An upcoming meeting with draft minutes: its minutes form is open to meeting writers.
    upcoming = _meeting(plan, coordinator, mt["upcoming"])
    return {"meeting": held, "upcoming": upcoming, "point": minutes.action_points.get()}


@pytest.fixture
def sentinel_plan(
    child_plan, guardian, coordinator, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Emma's plan with a sentinel in every field, and one walker per section."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    plan = child_plan
    with django_capture_on_commit_callbacks(execute=True):
        plan_consent_give(plan=plan, acting_user=guardian)
        people = _seed_people(plan, coordinator, guardian)
        content = _seed_content(plan, coordinator, guardian, people["walkers"])
        meetings = _seed_meetings(plan, coordinator, content["goal"], people["named"])
    plan.walkers = people["walkers"]
    plan.ids = {
        "plan_id": plan.pk,
        "goal_id": content["goal"].pk,
        "measure_id": content["measure"].pk,
        "note_id": content["note"].pk,
        "participant_id": people["walkers"][Section.PARTICIPANTS][1].pk,
        "need_id": people["need"].pk,
        "subplan_id": content["subplan"].pk,
        "thread_id": content["thread"].pk,
        "meeting_id": meetings["meeting"].pk,
        "point_id": meetings["point"].pk,
        "handover_id": 1,
        "record_id": 1,
    }
    plan.upcoming_meeting = meetings["upcoming"]
    return plan


def plan_routes():
    """Every URL pattern under the plan prefix, from the URL conf."""
    return [r for r in all_routes() if r.path.startswith(PLAN_PREFIX)]


def _paths(plan) -> list[tuple[str, str]]:
    paths = []
    for route in plan_routes():
        missing = set(route.kwargs) - set(plan.ids)
        assert not missing, f"{route.name}: no sample object for {missing}; add one to the seed"
        paths.append((route.name, _concrete(route, plan.ids)))
    # The minutes form and calendar file of the upcoming meeting (draft minutes, open form).
    upcoming = {**plan.ids, "meeting_id": plan.upcoming_meeting.pk}
    for route in plan_routes():
        if "meeting_id" in route.kwargs:
            paths.append((f"{route.name} (upcoming)", _concrete(route, upcoming)))
    return paths


def _concrete(route, ids) -> str:
    return reverse(route.name, kwargs={name: ids[name] for name in route.kwargs})


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf") and content[:4] == b"%PDF":
        try:
            return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        except Exception:  # a stored upload, not one of ours: search its bytes
            return content.decode("latin-1")
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("section", Section.values)
def test_a_participant_with_one_section_never_meets_another_sections_text(
    client, sentinel_plan, section, django_capture_on_commit_callbacks
):
    plan = sentinel_plan
    user, _participant = plan.walkers[section]
    client.force_login(user)
    found, shown_own, walked = {}, False, 0
    with django_capture_on_commit_callbacks(execute=True):
        for name, path in [("home", "/"), *_paths(plan)]:
            response = client.get(path)
            assert response.status_code < 500, (name, path)
            text = _text(response)
            if leaked := leaks(text, section):
                found[name] = leaked
            shown_own = shown_own or shows_own(text, section)
            walked += 1
    for message in [m for m in mail.outbox if user.email in m.to]:
        body = message.subject + message.body
        body += "".join(str(content) for _name, content, _type in message.attachments)
        if leaked := leaks(body, section):
            found[f"e-mail {message.subject}"] = leaked
    assert found == {}
    assert shown_own, "the granted section is shown (else the walk proves nothing)"
    assert len(plan_routes()) == PLAN_URL_COUNT
    assert walked == 1 + PLAN_URL_COUNT + sum("meeting_id" in r.kwargs for r in plan_routes())


def test_no_e_mail_carries_any_sections_text(sentinel_plan):
    assert mail.outbox, "the scenario sent e-mails (meeting notices, invitations)"
    for message in mail.outbox:
        body = message.subject + message.body
        body += "".join(str(content) for _name, content, _type in message.attachments)
        assert leaks(body, allowed="") == set(), message.subject
