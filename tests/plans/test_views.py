"""The plan pages as the owner, guardian and coordinator use them: happy paths, bad input,
concurrent edits, uploads, escaping, and the access log."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consent.models import AccessLogEntry
from ipplan.files import FILE_CONTENT_MISMATCH, FILE_TYPE_NOT_ALLOWED
from plans.models import Goal, Measure, Participant, Plan, SubPlan
from plans.services.common import EDITED_BY_SOMEONE_ELSE, PLAN_IS_CLOSED
from plans.services.goals import goal_create
from plans.services.lifecycle import plan_close
from tests.plans.conftest import MINIMAL_PDF

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_the_owner_sees_their_plan_in_plain_words(client, owner, rich_plan):
    client.force_login(owner)
    page = client.get(reverse("plans:detail", args=[rich_plan.pk])).content.decode()
    assert "Din individuelle plan" in page
    assert "Jeg vil bo hjemme" in page and "Hjemmehjelp" in page and "Lage middag" in page
    assert "Kari Nilsen" in page  # who the coordinator is, and how to reach her
    assert "Planhelse" not in page  # the coordinator's tools are not shown to the owner


def test_the_coordinator_sees_plan_health_and_edit_tools(client, coordinator, rich_plan):
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[rich_plan.pk])).content.decode()
    assert "Planhelse" in page
    assert "Samtykke til planen er ikke registrert" in page
    assert reverse("plans:goal_create", args=[rich_plan.pk]) in page


def test_reading_the_plan_writes_one_entry_naming_every_section(client, owner, rich_plan):
    client.force_login(owner)
    client.get(reverse("plans:detail", args=[rich_plan.pk]))
    entry = AccessLogEntry.objects.filter(actor=owner, action="read").get()
    assert entry.sections == [
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


def test_the_coordinator_adds_a_goal_through_the_form(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:goal_create", args=[plan.pk]),
        {
            "version": 1,
            "title": "Klare innkjøp selv",
            "description": "",
            "status": "in_progress",
            "target_date": "2027-03-01",
            "parent": "",
        },
    )
    goal = Goal.objects.get(plan=plan)
    assert response.status_code == 302
    assert (goal.title, goal.status, goal.target_date) == (
        "Klare innkjøp selv",
        "in_progress",
        datetime.date(2027, 3, 1),
    )
    assert AccessLogEntry.objects.filter(
        actor=coordinator, action="create", section="goals"
    ).exists()


def test_an_empty_goal_gets_a_clear_message_keeps_the_input_and_saves_nothing(
    client, coordinator, plan
):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:goal_create", args=[plan.pk]),
        {"version": 1, "title": "", "description": "Det jeg skrev", "status": "in_progress"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Feltet er påkrevet." in body
    assert "Det jeg skrev" in body
    assert not Goal.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:details_edit", args=[plan.pk]),
        {
            "version": plan.version,
            "period_start": "2027-01-01",
            "period_end": "2026-01-01",
            "next_evaluation": "",
        },
    )
    assert response.status_code == 400
    assert "Sluttdatoen kan ikke være før startdatoen" in response.content.decode()
    plan.refresh_from_db()
    assert plan.period_start == datetime.date(2026, 1, 1)


def test_garbage_in_every_field_gives_400_not_500(client, coordinator, rich_plan):
    client.force_login(coordinator)
    ids = rich_plan.objects
    garbage = {
        "version": "abc",
        "title": "x" * 5000,
        "goal": "99999",
        "responsible": "-1",
        "deadline": "32.13.2026",
        "status": "bogus",
        "subject": "goal:abc",
        "noted_on": "i går",
        "reason": "nope",
        "to_coordinator": "0",
        "role": "king",
    }
    for name, kwargs in [
        ("plans:goal_edit", {"goal_id": ids["goal_id"]}),
        ("plans:measure_edit", {"measure_id": ids["measure_id"]}),
        ("plans:measure_create", {}),
        ("plans:note_create", {}),
        ("plans:participant_create", {}),
        ("plans:close", {}),
        ("plans:handover_propose", {}),
        ("plans:details_edit", {}),
        ("plans:about_me_edit", {}),
    ]:
        url = reverse(name, kwargs={"plan_id": rich_plan.pk, **kwargs})
        response = client.post(url, garbage)
        assert response.status_code == 400, name
    assert rich_plan.goals.get().title == "Jeg vil bo hjemme"


def test_extra_post_fields_cannot_move_a_goal_to_another_plan_or_change_its_author(
    client, coordinator, rich_plan, child_plan
):
    client.force_login(coordinator)
    goal = rich_plan.goals.get()
    client.post(
        reverse("plans:goal_edit", args=[rich_plan.pk, goal.pk]),
        {
            "version": goal.version,
            "title": "Nytt navn",
            "status": "in_progress",
            "plan": child_plan.pk,
            "created_by": 999,
            "owner": 999,
            "position": 50,
        },
    )
    goal.refresh_from_db()
    assert goal.title == "Nytt navn"
    assert (goal.plan_id, goal.created_by_id) == (rich_plan.pk, coordinator.pk)


def test_two_people_editing_at_once_the_second_is_told_and_keeps_their_text(
    client, owner, coordinator, rich_plan
):
    goal = rich_plan.goals.get()
    url = reverse("plans:goal_edit", args=[rich_plan.pk, goal.pk])
    client.force_login(owner)
    client.get(url)  # both open the form at version 1
    client.force_login(coordinator)
    client.post(
        url, {"version": goal.version, "title": "Koordinators tekst", "status": "in_progress"}
    )
    client.force_login(owner)
    response = client.post(
        url, {"version": goal.version, "title": "Ingrids tekst", "description": ""}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert str(EDITED_BY_SOMEONE_ELSE)[:40] in body
    assert "Ingrids tekst" in body and "Koordinators tekst" in body
    goal.refresh_from_db()
    assert goal.title == "Koordinators tekst"
    # Saving again from the conflict page is a deliberate overwrite at the new version.
    client.post(url, {"version": goal.version, "title": "Ingrids tekst", "description": ""})
    goal.refresh_from_db()
    assert goal.title == "Ingrids tekst"


def test_text_is_escaped_everywhere_it_is_shown(client, coordinator, plan):
    goal_create(plan=plan, title=XSS, acting_user=coordinator)
    client.force_login(coordinator)
    for url in (reverse("plans:detail", args=[plan.pk]), reverse("plans:history", args=[plan.pk])):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body


def test_a_closed_plan_is_read_only_in_the_pages_too(client, coordinator, rich_plan):
    plan_close(plan=rich_plan, reason=Plan.ClosingReason.OTHER, note="", acting_user=coordinator)
    client.force_login(coordinator)
    detail = client.get(reverse("plans:detail", args=[rich_plan.pk])).content.decode()
    assert reverse("plans:goal_create", args=[rich_plan.pk]) not in detail
    response = client.get(reverse("plans:goal_create", args=[rich_plan.pk]))
    assert response.status_code == 403
    assert str(PLAN_IS_CLOSED) in response.content.decode()


def test_the_owner_asks_to_close_and_the_coordinator_sees_it(client, owner, coordinator, plan):
    client.force_login(owner)
    client.post(reverse("plans:request_close", args=[plan.pk]), {"reason": "Jeg klarer meg selv"})
    plan.refresh_from_db()
    assert plan.close_requested_at is not None and plan.status == Plan.Status.ACTIVE
    client.force_login(coordinator)
    assert "ønsker avslutning" in client.get(reverse("plans:coordinator_list")).content.decode()


def test_closing_through_the_form_needs_a_reason(client, coordinator, plan):
    client.force_login(coordinator)
    response = client.post(reverse("plans:close", args=[plan.pk]), {"note": "x"})
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
    client.post(reverse("plans:close", args=[plan.pk]), {"reason": "need_ended", "note": ""})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CLOSED and plan.archive_records.count() == 1


def test_the_owner_adds_an_own_contribution_through_the_form(client, owner, rich_plan):
    client.force_login(owner)
    goal = rich_plan.goals.get()
    response = client.post(
        reverse("plans:measure_create", args=[rich_plan.pk]),
        {
            "version": 1,
            "goal": goal.pk,
            "title": "Gå til butikken",
            "how": "",
            "scope": "",
            "status": "planned",
            "organisation": "",
            "is_own_contribution": "",
        },
    )
    assert response.status_code == 302
    assert Measure.objects.get(title="Gå til butikken").is_own_contribution


def test_a_coordinator_registers_a_participant(client, coordinator, plan, professional):
    client.force_login(coordinator)
    client.post(
        reverse("plans:participant_create", args=[plan.pk]),
        {
            "version": 1,
            "user": professional.pk,
            "name": "",
            "role": "service_provider",
            "contribution": "Oppfølging fra NAV",
        },
    )
    participant = Participant.objects.get(plan=plan)
    assert participant.user == professional and participant.name == professional.display_name


@pytest.fixture
def uploads(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, plan, name, content):
    return client.post(
        reverse("plans:subplan_upload", args=[plan.pk]),
        {
            "kind": "training",
            "title": "Program",
            "file": SimpleUploadedFile(name, content, "application/pdf"),
        },
    )


def test_a_pdf_sub_plan_is_stored_outside_public_paths_and_downloaded_as_attachment(
    client, coordinator, owner, plan, uploads
):
    client.force_login(coordinator)
    assert _upload(client, plan, "IOP Emma.pdf", MINIMAL_PDF).status_code == 302
    subplan = SubPlan.objects.get()
    assert (uploads / subplan.storage_name).exists()
    assert "IOP" not in subplan.storage_name  # generated names only
    client.force_login(owner)
    response = client.get(reverse("plans:subplan_download", args=[plan.pk, subplan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert AccessLogEntry.objects.filter(actor=owner, action="download").exists()


def test_a_renamed_executable_is_refused(client, coordinator, plan, uploads):
    client.force_login(coordinator)
    windows_exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
    response = _upload(client, plan, "treningsprogram.pdf", windows_exe)
    assert response.status_code == 400
    assert str(FILE_CONTENT_MISMATCH)[:30] in response.content.decode()
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    assert _upload(client, plan, "bilde.png", elf).status_code == 400
    assert _upload(client, plan, "program.exe", windows_exe).status_code == 400
    assert (
        str(FILE_TYPE_NOT_ALLOWED)[:20]
        in _upload(client, plan, "x.sh", b"#!/bin/sh").content.decode()
    )
    assert not SubPlan.objects.exists()
    assert not any(uploads.rglob("*.*"))


def test_an_oversized_upload_is_refused(client, coordinator, plan, uploads, settings):
    settings.IPPLAN_UPLOAD_MAX_BYTES = 1024
    client.force_login(coordinator)
    response = _upload(client, plan, "stor.pdf", MINIMAL_PDF + b"0" * 2048)
    assert response.status_code == 400
    assert "for stor" in response.content.decode()
    assert not SubPlan.objects.exists()


def test_an_empty_post_to_any_form_is_an_error_not_a_silent_no_op(client, coordinator, rich_plan):
    client.force_login(coordinator)
    ids = rich_plan.objects
    for name, kwargs in [
        ("plans:goal_create", {}),
        ("plans:goal_edit", {"goal_id": ids["goal_id"]}),
        ("plans:measure_create", {}),
        ("plans:measure_edit", {"measure_id": ids["measure_id"]}),
        ("plans:note_create", {}),
        ("plans:participant_create", {}),
        ("plans:close", {}),
        ("plans:details_edit", {}),
        ("plans:about_me_edit", {}),
        ("plans:cooperation_create", {}),
        ("plans:subplan_upload", {}),
        ("plans:handover_propose", {}),
    ]:
        response = client.post(reverse(name, kwargs={"plan_id": rich_plan.pk, **kwargs}), {})
        assert response.status_code == 400, name
