"""The plan page's one hand-written query of small facts (plans.page_facts) gives the same
answers as the plain ORM reads it stands in for (the oracle): the content stamp, the
coordinator's service, the newest archive copy, a pending handover, whether the owner can log
in, the next meeting and the unread messages; over varied data and for several readers, each
asked only what their page shows. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from accounts.services import user_has_login
from consent.policy import plan_access
from consent.services import grants_decide, plan_consent_give
from coordination.models import Meeting, Message, MessageThread, ThreadRead
from coordination.selectors import next_meeting, unread_count
from plans import fragments
from plans.extensions import overview_extensions
from plans.models import ArchiveRecord, CoordinatorHandover
from plans.page_facts import plan_page_facts
from plans.selectors import plan_overview
from plans.services.participants import participant_add
from tests.factories import staff, with_totp

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=60)


@pytest.fixture
def readers(plan, owner, coordinator, municipality):
    """Ingrid's plan: Per reads and writes meetings and messages, Nina reads goals only."""
    plan_consent_give(plan=plan, acting_user=owner)
    people = {"owner": owner, "coordinator": coordinator}
    for name, levels in (
        ("per", {"meetings": "write", "messages": "write"}),
        ("nina", {"goals": "read"}),
    ):
        user = staff("professional", municipality, username=name, first_name=name.title())
        participant = participant_add(
            plan=plan,
            user=user,
            name=name.title(),
            role="service_provider",
            acting_user=coordinator,
        )
        grants_decide(
            plan=plan, participant=participant, ends_on=SOON, acting_user=owner, levels=levels
        )
        people[name] = user
    return people


def _meeting(plan, by, hours: int, status=Meeting.Status.SCHEDULED) -> Meeting:
    return Meeting.objects.create(
        plan=plan,
        title=f"Møte {hours}",
        starts_at=timezone.now() + datetime.timedelta(hours=hours),
        duration_minutes=60,
        created_by=by,
        status=status,
    )


def _busy(plan, people, login: str) -> None:
    """Past, cancelled and two upcoming meetings; messages read, unread and one's own;
    two archive copies; a proposed handover; a login of the owner's (or none)."""
    coordinator, owner, per = people["coordinator"], people["owner"], people["per"]
    _meeting(plan, coordinator, -30)
    _meeting(plan, coordinator, 2, Meeting.Status.CANCELLED)
    _meeting(plan, coordinator, 50)
    _meeting(plan, coordinator, 26)
    thread = MessageThread.objects.create(plan=plan, subject="Tråd", created_by=coordinator)
    other = MessageThread.objects.create(plan=plan, subject="Annen", created_by=per)
    now = timezone.now()
    for minutes, author, where in (
        (-60, coordinator, thread),
        (-50, owner, thread),
        (-10, coordinator, thread),
        (-5, per, thread),
        (-3, owner, other),
        (-1, per, other),
    ):
        Message.objects.create(
            thread=where,
            author=author,
            body="Hei",
            created_at=now + datetime.timedelta(minutes=minutes),
        )
    ThreadRead.objects.create(
        thread=thread, user=owner, last_read_at=now - datetime.timedelta(minutes=20)
    )
    ThreadRead.objects.create(thread=other, user=per, last_read_at=now)
    for number in (1, 2):
        ArchiveRecord.objects.create(
            plan=plan,
            reason="closing",
            storage_name=f"archive/{plan.pk}-{number}.pdf",
            size=1,
            sha256="a" * 64,
        )
    new = staff("coordinator", plan.municipality, username="ny", first_name="Ny")
    CoordinatorHandover.objects.create(plan=plan, from_coordinator=coordinator, to_coordinator=new)
    if login == "idporten":
        SocialAccount.objects.create(user=owner, provider="idporten", uid=f"sub-{owner.pk}")
    elif login == "totp":
        with_totp(owner)


@pytest.mark.parametrize("data", ["empty", "busy-idporten", "busy-totp", "busy-none"])
def test_the_one_query_answers_as_the_orm_reads_do(data, plan, readers):
    plan.owner.set_unusable_password()
    plan.owner.save()
    if data != "empty":
        _busy(plan, readers, login=data.split("-")[1])
    for name, user in readers.items():
        access = plan_access(user, plan)
        facts = plan_page_facts(plan, access, user)
        assert facts["stamp"] == fragments.content_stamp(plan), name
        fast, plain = plan_overview(plan, access, facts=facts), plan_overview(plan, access)
        assert fast.coordinator == plain.coordinator, name
        assert fast.last_archive_at == plain.last_archive_at, name
        assert fast.pending_handover == plain.pending_handover, name
        if access.can_manage_plan:
            assert facts["owner_has_login"] == user_has_login(plan.owner), name
        else:
            assert "owner_has_login" not in facts, name
        fast, plain = (
            overview_extensions(plan, access, user, facts=facts),
            overview_extensions(plan, access, user),
        )
        assert fast == plain, name
        expected_meeting = next_meeting(plan) if access.can_read("meetings") else None
        if expected_meeting is None:
            assert facts.get("next_meeting_id") is None, name
        else:
            assert facts["next_meeting_id"] == expected_meeting.pk, name
            assert facts["next_meeting_at"] == expected_meeting.starts_at, name
        if access.can_read("messages"):
            assert facts["unread"] == unread_count(plan, user), name
        else:
            assert "unread" not in facts, name


def test_the_data_is_varied_enough_to_tell(plan, readers):
    """The oracle test above compares something: the busy plan has a meeting to come, unread
    messages for the owner and for Per, an archive copy and a pending handover."""
    plan.owner.set_unusable_password()
    plan.owner.save()
    _busy(plan, readers, login="none")
    owner, per, coordinator = readers["owner"], readers["per"], readers["coordinator"]
    facts = plan_page_facts(plan, plan_access(owner, plan), owner)
    assert facts["unread"] == 3 and facts["next_meeting_id"] is not None
    assert facts["last_archive_at"] is not None
    assert plan_page_facts(plan, plan_access(per, plan), per)["unread"] == 3
    facts = plan_page_facts(plan, plan_access(coordinator, plan), coordinator)
    assert facts["pending_handover_id"] is not None and facts["owner_has_login"] is False
    nina = readers["nina"]
    assert "next_meeting_id" not in plan_page_facts(plan, plan_access(nina, plan), nina)
