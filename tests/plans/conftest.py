import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consent.policy import people_who_can
from coordination.models import ActionPoint, Minutes
from coordination.services.meetings import meeting_create
from coordination.services.messages import thread_start
from plans.models import ArchiveRecord
from plans.sections import Section
from plans.services.archive import archive_snapshot
from plans.services.documents import subplan_upload
from plans.services.goals import goal_create
from plans.services.handover import handover_propose
from plans.services.measures import measure_create
from plans.services.notes import note_create
from plans.services.participants import cooperation_create, participant_add
from tests.factories import staff

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def build_objects(plan, coordinator, owner_side) -> dict:
    """One of every kind of object in the plan, written through the services."""
    goal = goal_create(plan=plan, title="Jeg vil bo hjemme", acting_user=coordinator)
    nurse = participant_add(
        plan=plan,
        name="Nina Sykepleier",
        role="service_provider",
        contribution="Stell",
        acting_user=coordinator,
    )
    measure = measure_create(
        plan=plan,
        goal=goal,
        title="Hjemmehjelp",
        responsible=nurse,
        deadline=datetime.date(2027, 1, 1),
        acting_user=coordinator,
    )
    plan.own_measure = measure_create(
        plan=plan, goal=goal, title="Lage middag", acting_user=owner_side
    )
    note = note_create(
        plan=plan, goal=goal, text="Går bra", noted_on=timezone.localdate(), acting_user=coordinator
    )
    need = cooperation_create(
        plan=plan, with_whom="Fastlege", description="Medisiner", acting_user=coordinator
    )
    subplan = subplan_upload(
        plan=plan,
        kind="training",
        title="Treningsprogram",
        upload=SimpleUploadedFile("program.pdf", MINIMAL_PDF, "application/pdf"),
        acting_user=coordinator,
    )
    plan.successor = staff("coordinator", plan.municipality, username="successor")
    handover = handover_propose(
        plan=plan, to_coordinator=plan.successor, message="", acting_user=coordinator
    )
    record = archive_snapshot(
        plan=plan, reason=ArchiveRecord.Reason.ON_DEMAND, acting_user=coordinator
    )
    meeting = meeting_create(
        plan=plan,
        title="Samarbeidsmøte",
        # About to start: its minutes can be written, and it can still be changed.
        starts_at=timezone.now() + datetime.timedelta(minutes=30),
        duration_minutes=60,
        place="Rådhuset",
        video_link="",
        agenda=["Status"],
        # Only readers of the meetings: an invitee without them sees the notice (by design,
        # tests/coordination/test_meeting_notice.py), which would blur what this checks.
        invitee_ids=[p.user.pk for p in people_who_can(plan, Section.MEETINGS)],
        acting_user=coordinator,
    )
    minutes = Minutes.objects.create(meeting=meeting, written_by=coordinator)
    point = ActionPoint.objects.create(minutes=minutes, title="Søke om hjelpemidler", goal=goal)
    thread = thread_start(plan=plan, subject="Hei", body="Velkommen", acting_user=coordinator)
    return {
        "meeting_id": meeting.pk,
        "point_id": point.pk,
        "thread_id": thread.pk,
        "plan_id": plan.pk,
        "goal_id": goal.pk,
        "measure_id": measure.pk,
        "note_id": note.pk,
        "participant_id": nurse.pk,
        "need_id": need.pk,
        "subplan_id": subplan.pk,
        "handover_id": handover.pk,
        "record_id": record.pk,
    }


@pytest.fixture
def rich_plan(plan, coordinator, owner, settings, tmp_path):
    """Ingrid's plan with one of everything, so that every URL has an object to point at."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    plan.objects = build_objects(plan, coordinator, owner)
    return plan
