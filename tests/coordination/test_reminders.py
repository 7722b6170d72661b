"""Scheduled reminders: what is due is found in bounded queries, each reminder goes out once
per subject and due date however often the scan runs, and periodic archive copies."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import OutboxMessage
from consent.models import AccessGrant
from coordination.services.reminders import (
    remind_evaluations,
    remind_expiring_grants,
    remind_measures,
    send_reminders,
)
from plans.models import ArchiveRecord, Goal, Measure, Plan
from plans.services.archive import archive_due_plans
from plans.services.measures import measure_create, measure_update

TODAY = timezone.localdate()


@pytest.fixture
def due_measures(team, coordinator):
    plan, goal = team["plan"], team["goal"]
    per = team["per_participant"]
    soon = measure_create(
        plan=plan,
        goal=goal,
        title="Snart",
        responsible=per,
        deadline=TODAY + datetime.timedelta(days=3),
        acting_user=coordinator,
    )
    late = measure_create(
        plan=plan,
        goal=goal,
        title="For sent",
        responsible=per,
        deadline=TODAY - datetime.timedelta(days=2),
        acting_user=coordinator,
    )
    later = measure_create(
        plan=plan,
        goal=goal,
        title="Senere",
        responsible=per,
        deadline=TODAY + datetime.timedelta(days=40),
        acting_user=coordinator,
    )
    return soon, late, later


def reminder_rows():
    return list(OutboxMessage.objects.filter(kind="reminder").values_list("dedupe_key", flat=True))


def test_due_and_overdue_measures_remind_the_coordinator_once(due_measures, coordinator, team):
    soon, late, _later = due_measures
    assert remind_measures(overdue=False) == 1
    assert remind_measures(overdue=True) == 1
    assert remind_measures(overdue=False) == remind_measures(overdue=True) == 0
    keys = reminder_rows()
    assert sorted(keys) == sorted(
        [
            f"measure-due-soon:{soon.pk}:{soon.deadline}:{coordinator.pk}",
            f"measure-overdue:{late.pk}:{late.deadline}:{coordinator.pk}",
        ]
    )
    # Per is responsible but may not read measures: he is not sent a link he cannot open.
    assert not OutboxMessage.objects.filter(recipient=team["per"]).exists()


def test_a_new_deadline_is_reminded_again(due_measures, coordinator):
    soon, _late, _later = due_measures
    remind_measures(overdue=False)
    soon.refresh_from_db()
    measure_update(
        measure=soon,
        expected_version=soon.version,
        acting_user=coordinator,
        deadline=TODAY + datetime.timedelta(days=5),
    )
    assert remind_measures(overdue=False) == 1
    assert len(reminder_rows()) == 2


def test_the_responsible_with_access_to_measures_is_reminded_too(team, coordinator, owner):
    from consent.services import grants_decide

    grants_decide(
        plan=team["plan"],
        participant=team["per_participant"],
        acting_user=owner,
        ends_on=TODAY + datetime.timedelta(days=60),
        levels={"meetings": "write", "messages": "write", "measures": "read"},
    )
    measure_create(
        plan=team["plan"],
        goal=team["goal"],
        title="Snart",
        responsible=team["per_participant"],
        acting_user=coordinator,
        deadline=TODAY + datetime.timedelta(days=1),
    )
    remind_measures(overdue=False)
    recipients = set(
        OutboxMessage.objects.filter(kind="reminder").values_list("recipient_id", flat=True)
    )
    assert recipients == {coordinator.pk, team["per"].pk}


def test_evaluation_dates_remind_the_coordinator(plan, coordinator):
    Plan.objects.filter(pk=plan.pk).update(next_evaluation=TODAY + datetime.timedelta(days=10))
    assert remind_evaluations(overdue=False) == 1
    assert remind_evaluations(overdue=False) == 0
    Plan.objects.filter(pk=plan.pk).update(next_evaluation=TODAY - datetime.timedelta(days=1))
    assert remind_evaluations(overdue=True) == 1
    assert OutboxMessage.objects.filter(recipient=coordinator, kind="reminder").count() == 2


def test_grants_expiring_in_14_days_remind_owner_and_coordinator(team, owner, coordinator):
    AccessGrant.objects.filter(participant=team["per_participant"]).update(
        ends_at=timezone.now() + datetime.timedelta(days=10)
    )
    assert remind_expiring_grants() == 3  # Per's three sections
    recipients = set(
        OutboxMessage.objects.filter(kind="grant_expiring").values_list("recipient_id", flat=True)
    )
    assert recipients == {owner.pk, coordinator.pk}
    assert OutboxMessage.objects.filter(kind="grant_expiring").count() == 2  # one per person
    assert remind_expiring_grants() == 0


def test_reminder_e_mails_are_delivered_by_the_sweep(
    due_measures, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()
    assert {m.to[0] for m in mail.outbox} == {coordinator.email}
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    for message in mail.outbox:
        assert "Snart" not in message.body and "For sent" not in message.body


def test_one_tick_over_100000_measures_is_bounded(team, coordinator):
    plan, goal = team["plan"], team["goal"]
    rows = [
        Measure(
            plan=plan,
            goal=goal,
            title=f"Tiltak {i}",
            created_by=coordinator,
            status="ongoing",
            deadline=TODAY + datetime.timedelta(days=30 + i % 300),
        )
        for i in range(100_000)
    ]
    for i in range(0, 250):  # 250 due soon, among 100,000
        rows[i * 400].deadline = TODAY + datetime.timedelta(days=2)
    Measure.objects.bulk_create(rows, batch_size=5000)
    with CaptureQueriesContext(connection) as queries:
        found = remind_measures(overdue=False)
    assert found == 250
    # 9: one of them reads the recipients' KRR entries (reserved people get no reminder).
    assert len(queries.captured_queries) <= 9, [q["sql"][:80] for q in queries.captured_queries]


def test_active_plans_are_archived_twice_a_year(plan, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    Plan.objects.filter(pk=plan.pk).update(
        activated_at=timezone.now() - datetime.timedelta(days=200)
    )
    assert archive_due_plans() == 1
    assert archive_due_plans() == 0  # just archived
    ArchiveRecord.objects.filter(plan=plan).update(
        created_at=timezone.now() - datetime.timedelta(days=183)
    )
    assert archive_due_plans() == 1
    assert ArchiveRecord.objects.filter(plan=plan, reason="periodic").count() == 2
    assert Goal.objects.count() == 0  # nothing else touched


def test_a_participant_no_longer_in_the_plan_is_not_reminded(team, coordinator, owner):
    from consent.services import grants_decide
    from plans.models import Participant

    grants_decide(
        plan=team["plan"],
        participant=team["per_participant"],
        acting_user=owner,
        ends_on=TODAY + datetime.timedelta(days=60),
        levels={"measures": "read"},
    )
    measure_create(
        plan=team["plan"],
        goal=team["goal"],
        title="Snart",
        responsible=team["per_participant"],
        acting_user=coordinator,
        deadline=TODAY + datetime.timedelta(days=1),
    )
    # Marked inactive while his grant rows are still there (the policy's rule: not in force).
    Participant.objects.filter(pk=team["per_participant"].pk).update(is_active=False)
    remind_measures(overdue=False)
    recipients = set(
        OutboxMessage.objects.filter(kind="reminder").values_list("recipient_id", flat=True)
    )
    assert recipients == {coordinator.pk}
