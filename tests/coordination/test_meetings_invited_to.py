"""The home page's "meetings you are invited to" is one hand-written query
(coordination.selectors.meetings_invited_to). It must find what the ORM query it replaced
found: meetings to come and of the last week, of plans the person may still open, not of their
own plans, not called by them, not cancelled, not of closed plans; soonest first, ten at most."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from consent.models import AccessGrant
from consent.policy import plans_visible_filter
from coordination.models import Meeting, MeetingInvitee
from coordination.selectors import INVITED_LIMIT, INVITED_LOOKBACK, meetings_invited_to
from plans.models import Plan
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def the_orm_query(user, *, exclude_plan_ids) -> list[int]:
    """The query the hand-written one replaced, kept as the oracle."""
    return list(
        Meeting.objects.filter(
            invitees__user=user,
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=timezone.now() - INVITED_LOOKBACK,
        )
        .filter(plan__in=Plan.objects.filter(plans_visible_filter(user)))
        .exclude(plan_id__in=exclude_plan_ids)
        .exclude(created_by=user)
        .exclude(plan__status=Plan.Status.CLOSED)
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)[:INVITED_LIMIT]
    )


def meeting(plan, by, invitees, *, days: float, status=Meeting.Status.SCHEDULED) -> Meeting:
    made = Meeting.objects.create(
        plan=plan,
        title="Møte",
        starts_at=timezone.now() + datetime.timedelta(days=days),
        status=status,
        created_by=by,
    )
    for user in invitees:
        MeetingInvitee.objects.create(meeting=made, user=user, name=user.username)
    return made


def test_the_invitations_are_those_the_orm_query_found(team, owner, coordinator, municipality):
    per, nina, plan = team["per"], team["nina"], team["plan"]
    others = PlanFactory(municipality=municipality, coordinator=coordinator)
    closed = PlanFactory(municipality=municipality, coordinator=coordinator)
    for days in (3, -1, -6.9, -8, 40, 1, 2, 5, 6, 7, 8, 9):  # a week back at most; ten at most
        meeting(plan, coordinator, [owner, per, nina, coordinator], days=days)
    meeting(plan, per, [owner, per, coordinator], days=2)  # Per called it
    meeting(plan, coordinator, [per], days=4, status=Meeting.Status.CANCELLED)
    meeting(others, coordinator, [per, coordinator, others.owner], days=1)  # Per cannot open it
    meeting(closed, coordinator, [coordinator, closed.owner], days=1)
    Plan.objects.filter(pk=closed.pk).update(
        status=Plan.Status.CLOSED, closed_at=timezone.now(), closing_reason="need_ended"
    )
    mine = meeting(others, others.owner, [coordinator], days=0.5)  # the owner called it
    for user, own in [(per, []), (nina, []), (owner, [plan.pk]), (coordinator, [others.pk])]:
        found = meetings_invited_to(user, exclude_plan_ids=own)
        assert [m.pk for m in found] == the_orm_query(user, exclude_plan_ids=own), user.username
        for m in found:
            stored = Meeting.objects.select_related("plan__owner").get(pk=m.pk)
            assert (m.plan_id, m.starts_at) == (stored.plan_id, stored.starts_at)
            assert m.plan.owner.display_name == stored.plan.owner.display_name
    assert len(meetings_invited_to(per, exclude_plan_ids=[])) == INVITED_LIMIT
    # Kari is invited to meetings others called (the owner's, Per's), never to her own.
    karis = meetings_invited_to(coordinator, exclude_plan_ids=[])
    assert mine.pk in [m.pk for m in karis]
    assert not Meeting.objects.filter(pk__in=[m.pk for m in karis], created_by=coordinator)
    # An expired grant takes the plan's meetings off the list at once.
    now = timezone.now()
    AccessGrant.objects.filter(participant=team["per_participant"]).update(
        starts_at=now - datetime.timedelta(days=30), ends_at=now - datetime.timedelta(seconds=1)
    )
    assert meetings_invited_to(per, exclude_plan_ids=[]) == []
    assert the_orm_query(per, exclude_plan_ids=[]) == []
