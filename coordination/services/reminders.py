"""Scheduled work, run by beat on every tick: it scans for what is due, in batches, and sends
each reminder once per subject and due date (a marker on the subject for cheap scans, and the
outbox's unique key as the guarantee). Nothing is scheduled ahead as ETA tasks."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.notifications import notify_many
from consent.models import AccessGrant
from consent.policy import may_read_section, owner_decides_alone, representations_in_force
from consent.selectors import grants_expiring_within
from coordination.models import Meeting, MeetingInvitee
from plans.models import Measure, Plan
from plans.sections import Section
from plans.withheld import FAMILY_ROLES, MEASURE_WITHHELD

OPEN = [Measure.Status.PLANNED, Measure.Status.ONGOING]
BATCH = 1000


def _plan_link(plan_id: int, anchor: str = "") -> str:
    return reverse("plans:detail", args=[plan_id]) + anchor


@transaction.atomic
def remind_measures(*, overdue: bool, now=None, batch: int = BATCH) -> int:
    """Measures whose deadline is near (or passed): to the responsible participant (if they
    may read measures) and the coordinator."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    measures = Measure.objects.filter(status__in=OPEN, plan__status=Plan.Status.ACTIVE)
    if overdue:
        marker = "overdue_reminded_for"
        measures = measures.filter(deadline__lt=today)
    else:
        marker = "due_soon_reminded_for"
        horizon = today + datetime.timedelta(days=settings.IPPLAN_DEADLINE_REMINDER_DAYS)
        measures = measures.filter(deadline__gte=today, deadline__lte=horizon)
    due = list(
        measures.exclude(**{marker: F("deadline")})
        .select_related("plan__coordinator", "responsible__user")
        .order_by("pk")[:batch]
    )
    responsible = {
        (m.responsible.user_id, m.plan_id)
        for m in due
        if m.responsible_id and m.responsible.user_id
    }
    allowed = may_read_section(responsible, Section.MEASURES, now=now)
    # A relative or guardian responsible for a measure withheld from the family is not told
    # (one more query, only when a relative or guardian is responsible for a due measure).
    family = [m.pk for m in due if m.responsible_id and m.responsible.role in FAMILY_ROLES]
    withheld = (
        set(Measure.objects.filter(MEASURE_WITHHELD, pk__in=family).values_list("pk", flat=True))
        if family
        else set()
    )
    kind = "overdue" if overdue else "due-soon"
    items = []
    for m in due:
        recipients = {m.plan.coordinator} if m.plan.coordinator else set()
        if (
            m.responsible_id
            and (m.responsible.user_id, m.plan_id) in allowed
            and not (m.pk in withheld and m.responsible.role in FAMILY_ROLES)
        ):
            recipients.add(m.responsible.user)
        items += [
            {
                "user": user,
                "kind": "reminder",
                "link": _plan_link(m.plan_id, f"#measure-{m.pk}"),
                "dedupe_key": f"measure-{kind}:{m.pk}:{m.deadline}:{user.pk}",
            }
            for user in recipients
        ]
    Measure.objects.filter(pk__in=[m.pk for m in due]).update(**{marker: F("deadline")})
    notify_many(items)
    return len(due)


@transaction.atomic
def remind_evaluations(*, overdue: bool, now=None, batch: int = BATCH) -> int:
    """Plans whose evaluation date is near (or passed): to the coordinator."""
    today = timezone.localdate(now or timezone.now())
    plans = Plan.objects.filter(status=Plan.Status.ACTIVE, coordinator__isnull=False)
    if overdue:
        marker = "evaluation_overdue_reminded_for"
        plans = plans.filter(next_evaluation__lt=today)
    else:
        marker = "evaluation_due_reminded_for"
        horizon = today + datetime.timedelta(days=settings.IPPLAN_EVALUATION_REMINDER_DAYS)
        plans = plans.filter(next_evaluation__gte=today, next_evaluation__lte=horizon)
    due = list(
        plans.exclude(**{marker: F("next_evaluation")})
        .select_related("coordinator")
        .order_by("pk")[:batch]
    )
    kind = "overdue" if overdue else "due"
    notify_many(
        [
            {
                "user": p.coordinator,
                "kind": "reminder",
                "link": _plan_link(p.pk),
                "dedupe_key": f"evaluation-{kind}:{p.pk}:{p.next_evaluation}",
            }
            for p in due
        ]
    )
    Plan.objects.filter(pk__in=[p.pk for p in due]).update(**{marker: F("next_evaluation")})
    return len(due)


@transaction.atomic
def remind_expiring_grants(*, now=None, batch: int = BATCH) -> int:
    """Grants ending within 14 days: to whoever decides for the owner, and the coordinator."""
    now = now or timezone.now()
    grants = list(
        grants_expiring_within(now=now)
        .exclude(plan__status=Plan.Status.CLOSED)
        .order_by("pk")[:batch]
    )
    owners = {g.plan.owner_id for g in grants}
    day = timezone.localdate(now)
    deciders: dict[int, list] = {}
    for rep in representations_in_force(owners, day, deciding=True):
        deciders.setdefault(rep.person_id, []).append(rep.representative)
    items = []
    for grant in grants:
        owner = grant.plan.owner
        recipients = set(deciders.get(owner.pk, []))
        if owner_decides_alone(grant.plan, day):
            recipients.add(owner)
        if grant.plan.coordinator:
            recipients.add(grant.plan.coordinator)
        link = reverse("consent:access", args=[grant.plan_id])
        items += [
            {
                "user": user,
                "kind": "grant_expiring",
                "link": link,
                "dedupe_key": f"grant-expiring:{grant.participant_id}:{grant.ends_at:%Y-%m-%d}:"
                f"{user.pk}",
            }
            for user in recipients
        ]
    AccessGrant.objects.filter(pk__in=[g.pk for g in grants]).update(reminded_at=now)
    notify_many(items)
    return len(grants)


@transaction.atomic
def remind_meetings(*, now=None, batch: int = BATCH) -> int:
    """Invitees who have not declined, a day (a setting) before the meeting."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(hours=settings.IPPLAN_MEETING_REMINDER_HOURS)
    invitees = list(
        MeetingInvitee.objects.filter(
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
            meeting__plan__status__in=[Plan.Status.DRAFT, Plan.Status.ACTIVE],
            meeting__starts_at__lte=horizon,
        )
        .exclude(response=MeetingInvitee.Response.DECLINED)
        .exclude(reminded_for=F("meeting__starts_at"))
        .select_related("meeting", "user")
        .order_by("pk")[:batch]
    )
    notify_many(
        [
            {
                "user": i.user,
                "kind": "meeting",
                "link": reverse("coordination:meeting", args=[i.meeting.plan_id, i.meeting_id]),
                "dedupe_key": f"meeting-reminder:{i.pk}:{i.meeting.starts_at.isoformat()}",
            }
            for i in invitees
        ]
    )
    for meeting_id, starts_at in {(i.meeting_id, i.meeting.starts_at) for i in invitees}:
        MeetingInvitee.objects.filter(
            pk__in=[i.pk for i in invitees if i.meeting_id == meeting_id]
        ).update(reminded_for=starts_at)
    return len(invitees)


def send_reminders(*, now=None) -> dict[str, int]:
    return {
        "measures_due_soon": remind_measures(overdue=False, now=now),
        "measures_overdue": remind_measures(overdue=True, now=now),
        "evaluations_due": remind_evaluations(overdue=False, now=now),
        "evaluations_overdue": remind_evaluations(overdue=True, now=now),
        "grants_expiring": remind_expiring_grants(now=now),
        "meetings": remind_meetings(now=now),
    }
