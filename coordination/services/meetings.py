"""Cooperation meetings: calling, changing, cancelling, answering; minutes with an evaluation
of each goal, approved and locked by the coordinator; action points that become measures."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.notifications import notify_user
from consent.policy import people_who_can, plan_access
from coordination.calendar import CANCEL, REQUEST, meeting_ics
from coordination.models import AgendaItem, Meeting, MeetingInvitee
from coordination.selectors import invitable_people
from ipplan import ratelimit
from plans.sections import Section
from plans.services.common import (
    Action,
    ConcurrentEditError,
    access_for,
    record_change,
)

MEETING_IN_PAST = _("Tidspunktet må være fram i tid.")
NOT_INVITABLE = _("Alle som inviteres må ha tilgang til møtene i planen.")
NO_INVITEES = _("Velg minst én som skal inviteres.")
MEETING_CANCELLED = _("Møtet er avlyst.")
MEETING_HELD = _(
    "Møtet har allerede startet eller vært, og kan ikke endres, avlyses eller svares på."
)
NOT_INVITED = _("Du er ikke invitert til dette møtet.")
ONLY_OWNER_PROPOSES = _("Bare planeier, eller den som handler for planeier, kan foreslå saker.")
AGENDA_ITEM_NEEDED = _("Skriv saken du vil ta opp.")
# Each section stays in its section: goal titles and evaluations are for readers of the goals,
# people's names for readers of the participants section (issue 9, point 3).
GOALS_NOT_READABLE = _("Du har ikke tilgang til målene i planen og kan ikke evaluere dem.")
PEOPLE_NOT_READABLE = _(
    "Du har ikke tilgang til deltakerne i planen og kan ikke velge personer her."
)


def can_call(access) -> bool:
    return access.can_write(Section.MEETINGS)


def _invitees(plan, user_ids: list[int] | None, access):
    """Who is invited. Someone who may not read the participants section cannot pick people
    by name: `None` then invites everyone who has access to the meetings."""
    if not access.can_read(Section.PARTICIPANTS):
        if user_ids is not None:
            raise PermissionDenied(PEOPLE_NOT_READABLE)
        return people_who_can(plan, Section.MEETINGS)
    people = {person.user.pk: person for person in invitable_people(plan)}
    if not user_ids:
        raise ValidationError({"invitees": NO_INVITEES})
    if any(pk not in people for pk in user_ids):
        raise ValidationError({"invitees": NOT_INVITABLE})
    return [people[pk] for pk in user_ids]


def _notify_invitees(meeting: Meeting, invitees, method: str, exclude=None) -> None:
    calendar = meeting_ics(meeting, method=method)
    link = reverse("coordination:meeting", args=[meeting.plan_id, meeting.pk])
    for invitee in invitees:
        if exclude is not None and invitee.user_id == exclude.pk:
            continue
        notify_user(
            user=invitee.user,
            kind="meeting",
            link=link,
            calendar=calendar,
            dedupe_key=f"meeting:{meeting.pk}:{meeting.sequence}:{invitee.user_id}",
        )


def _organiser_attends(meeting: Meeting, now) -> None:
    """Who called the meeting counts as attending (they are not asked "are you coming?")."""
    meeting.invitees.filter(user=meeting.created_by_id).update(
        response=MeetingInvitee.Response.ATTENDING, responded_at=now
    )


@transaction.atomic
def meeting_create(
    *,
    plan,
    title: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str,
    video_link: str,
    agenda: list[str],
    invitee_ids: list[int] | None,
    acting_user,
) -> Meeting:
    access = access_for(acting_user, plan, can_call)
    ratelimit.hit("meeting", acting_user.pk)
    starts_at = starts_at.replace(second=0, microsecond=0)  # meetings start on the minute
    if starts_at <= timezone.now():
        raise ValidationError(MEETING_IN_PAST, code="past")
    people = _invitees(plan, invitee_ids, access)
    meeting = Meeting(
        plan=plan,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        video_link=video_link,
        created_by=acting_user,
    )
    meeting.full_clean()
    meeting.save()
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, title=item, position=n) for n, item in enumerate(agenda)]
    )
    now = timezone.now()
    invitees = MeetingInvitee.objects.bulk_create(
        [MeetingInvitee(meeting=meeting, user=p.user, name=p.name) for p in people]
    )
    _organiser_attends(meeting, now)
    record_change(
        access,
        meeting,
        gettext_noop("Nytt møte: %(title)s"),
        params={"title": meeting.title},
        action=Action.CREATE,
    )
    _notify_invitees(meeting, invitees, REQUEST, exclude=acting_user)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    expected_version: int,
    title: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str,
    video_link: str,
    agenda: list[str],
    invitee_ids: list[int] | None,
    acting_user,
) -> Meeting:
    """Change a meeting; everyone invited gets an update with a higher SEQUENCE. A new time
    sets the answers back to "not answered"."""
    access = access_for(acting_user, meeting.plan, can_call)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(MEETING_CANCELLED)
    if meeting.has_started:
        raise ValidationError(MEETING_HELD, code="held")
    if meeting.version != expected_version:
        raise ConcurrentEditError
    starts_at = starts_at.replace(second=0, microsecond=0)  # meetings start on the minute
    if starts_at <= timezone.now():
        raise ValidationError(MEETING_IN_PAST, code="past")
    if invitee_ids is None and not access.can_read(Section.PARTICIPANTS):
        # Who cannot see names keeps the invitees as they are.
        invitee_ids = list(meeting.invitees.values_list("user_id", flat=True))
        people = [p for p in invitable_people(meeting.plan) if p.user.pk in invitee_ids]
    else:
        people = _invitees(meeting.plan, invitee_ids, access)
    moved = (starts_at, duration_minutes) != (meeting.starts_at, meeting.duration_minutes)
    meeting.title, meeting.starts_at, meeting.duration_minutes = title, starts_at, duration_minutes
    meeting.place, meeting.video_link = place, video_link
    meeting.sequence += 1
    meeting.version += 1
    meeting.full_clean()
    meeting.save()
    # Items the owner proposed keep who proposed them while their text stays.
    proposed = dict(
        meeting.agenda.filter(proposed_by__isnull=False).values_list("title", "proposed_by")
    )
    meeting.agenda.all().delete()
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, title=item, position=n, proposed_by_id=proposed.get(item))
            for n, item in enumerate(agenda)
        ]
    )
    wanted = {p.user.pk: p for p in people}
    removed = list(meeting.invitees.exclude(user_id__in=wanted))
    meeting.invitees.exclude(user_id__in=wanted).delete()
    existing = set(meeting.invitees.values_list("user_id", flat=True))
    MeetingInvitee.objects.bulk_create(
        [
            MeetingInvitee(meeting=meeting, user=p.user, name=p.name)
            for pk, p in wanted.items()
            if pk not in existing
        ]
    )
    if moved:
        meeting.invitees.update(response=MeetingInvitee.Response.PENDING, responded_at=None)
        _organiser_attends(meeting, timezone.now())
    record_change(
        access,
        meeting,
        gettext_noop("Endret møtet: %(title)s"),
        params={"title": meeting.title},
        action=Action.UPDATE,
    )
    _notify_invitees(meeting, meeting.invitees.select_related("user"), REQUEST, exclude=acting_user)
    _notify_invitees(meeting, removed, CANCEL, exclude=acting_user)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, acting_user) -> Meeting:
    access = access_for(acting_user, meeting.plan, can_call)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(MEETING_CANCELLED)
    if meeting.has_started:
        raise ValidationError(MEETING_HELD, code="held")
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.version += 1
    meeting.save(update_fields=["status", "cancelled_at", "sequence", "version", "updated_at"])
    record_change(
        access,
        meeting,
        gettext_noop("Avlyste møtet: %(title)s"),
        params={"title": meeting.title},
        action=Action.UPDATE,
    )
    _notify_invitees(meeting, meeting.invitees.select_related("user"), CANCEL, exclude=acting_user)
    return meeting


def meetings_cancel_for_closed_plan(*, plan, access) -> int:
    """A closing hook (plans/extensions.py): the plan's meetings still to come are cancelled
    and each invitee gets the cancellation (with its calendar file), so nobody turns up to, or
    is reminded of, a meeting of a plan that has ended."""
    meetings = list(
        Meeting.objects.select_for_update()
        .filter(plan=plan, status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now())
        .prefetch_related("invitees__user")
    )
    if not meetings:
        return 0
    now = timezone.now()
    for meeting in meetings:
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_at = now
        meeting.sequence += 1
        meeting.version += 1
        meeting.updated_at = now
    Meeting.objects.bulk_update(
        meetings, ["status", "cancelled_at", "sequence", "version", "updated_at"]
    )
    for meeting in meetings:
        record_change(
            access,
            meeting,
            gettext_noop("Møtet ble avlyst fordi planen ble avsluttet: %(title)s"),
            params={"title": meeting.title},
            action=Action.UPDATE,
        )
        _notify_invitees(meeting, meeting.invitees.all(), CANCEL, exclude=access.user)
    return len(meetings)


@transaction.atomic
def agenda_item_propose(*, meeting: Meeting, title: str, acting_user) -> AgendaItem:
    """The owner (or whoever acts for them) adds an item to the agenda of a meeting to come;
    the organiser is told (with a link, no content) and sees who proposed it."""
    access = plan_access(acting_user, meeting.plan)
    if not (access.is_owner_side and access.can_read(Section.MEETINGS)):
        raise PermissionDenied(ONLY_OWNER_PROPOSES)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(MEETING_CANCELLED)
    if meeting.has_started:
        raise ValidationError(MEETING_HELD, code="held")
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": AGENDA_ITEM_NEEDED})
    last = meeting.agenda.order_by("-position").values_list("position", flat=True).first()
    item = AgendaItem(
        meeting=meeting,
        title=title,
        position=0 if last is None else last + 1,
        proposed_by=acting_user,
    )
    item.full_clean(exclude=["meeting", "proposed_by"])
    item.save()
    meeting.version += 1
    meeting.save(update_fields=["version", "updated_at"])
    record_change(
        access,
        meeting,
        gettext_noop("Foreslo en sak til møtet: %(title)s"),
        params={"title": meeting.title},
        action=Action.UPDATE,
    )
    if meeting.created_by_id != acting_user.pk:
        notify_user(
            user=meeting.created_by,
            kind="meeting",
            link=reverse("coordination:meeting", args=[meeting.plan_id, meeting.pk]),
            dedupe_key=f"agenda-proposal:{item.pk}",
        )
    return item


@transaction.atomic
def meeting_respond(*, meeting: Meeting, attending: bool, acting_user) -> MeetingInvitee:
    # Whoever is invited answers, with or without the meetings section (the notice is theirs),
    # as long as they may open the plan at all.
    access = plan_access(acting_user, meeting.plan)
    if not access.allowed:
        raise PermissionDenied(NOT_INVITED)
    if meeting.is_cancelled:
        raise ValidationError(MEETING_CANCELLED)
    if meeting.has_started:
        raise ValidationError(MEETING_HELD, code="held")
    invitee = MeetingInvitee.objects.filter(meeting=meeting, user=acting_user).first()
    if invitee is None:
        raise PermissionDenied(NOT_INVITED)
    invitee.response = (
        MeetingInvitee.Response.ATTENDING if attending else MeetingInvitee.Response.DECLINED
    )
    invitee.responded_at = timezone.now()
    invitee.save(update_fields=["response", "responded_at"])
    record_change(
        access,
        meeting,
        gettext_noop("%(name)s svarte på møteinnkallingen: %(answer)s"),
        params={"name": invitee.name, "answer": MeetingInvitee.Response(invitee.response).label},
        action=Action.UPDATE,
        mentions=[Section.PARTICIPANTS],
    )
    return invitee
