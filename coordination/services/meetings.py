"""Cooperation meetings: calling, changing, cancelling, answering; minutes with an evaluation
of each goal, approved and locked by the coordinator; action points that become measures."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.notifications import notify_user
from consent.policy import people_who_can, plan_access
from coordination.calendar import CANCEL, REQUEST, meeting_ics
from coordination.models import (
    ActionPoint,
    AgendaItem,
    AgendaNote,
    GoalEvaluation,
    Meeting,
    MeetingInvitee,
    Minutes,
)
from ipplan import ratelimit
from plans.models import Goal
from plans.sections import Section
from plans.services.common import (
    Action,
    ConcurrentEditError,
    access_for,
    record_change,
)
from plans.services.goals import goal_update
from plans.services.measures import measure_create

MEETING_IN_PAST = _("Tidspunktet må være fram i tid.")
NOT_INVITABLE = _("Alle som inviteres må ha tilgang til møtene i planen.")
NO_INVITEES = _("Velg minst én som skal inviteres.")
MEETING_CANCELLED = _("Møtet er avlyst.")
NOT_INVITED = _("Du er ikke invitert til dette møtet.")
MINUTES_LOCKED = _("Referatet er godkjent og kan ikke endres.")
MINUTES_TOO_EARLY = _("Referat kan skrives fra én time før møtet.")
ONLY_COORDINATOR_APPROVES = _("Bare koordinatoren godkjenner referatet.")
ALREADY_A_MEASURE = _("Oppfølgingspunktet er allerede gjort om til et tiltak.")
NEEDS_GOAL = _("Velg hvilket mål tiltaket hører til.")
# Each section stays in its section: goal titles and evaluations are for readers of the goals,
# people's names for readers of the participants section (issue 9, point 3).
GOALS_NOT_READABLE = _("Du har ikke tilgang til målene i planen og kan ikke evaluere dem.")
PEOPLE_NOT_READABLE = _(
    "Du har ikke tilgang til deltakerne i planen og kan ikke velge personer her."
)


def _can_call(access) -> bool:
    return access.can_write(Section.MEETINGS)


def _invitees(plan, user_ids: list[int] | None, access):
    """Who is invited. Someone who may not read the participants section cannot pick people
    by name: `None` then invites everyone who has access to the meetings."""
    people = {person.user.pk: person for person in people_who_can(plan, Section.MEETINGS)}
    if not access.can_read(Section.PARTICIPANTS):
        if user_ids is not None:
            raise PermissionDenied(PEOPLE_NOT_READABLE)
        return list(people.values())
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
    access = access_for(acting_user, plan, _can_call)
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
    invitees = MeetingInvitee.objects.bulk_create(
        [MeetingInvitee(meeting=meeting, user=p.user, name=p.name) for p in people]
    )
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
    access = access_for(acting_user, meeting.plan, _can_call)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(MEETING_CANCELLED)
    if meeting.version != expected_version:
        raise ConcurrentEditError
    starts_at = starts_at.replace(second=0, microsecond=0)  # meetings start on the minute
    if starts_at <= timezone.now():
        raise ValidationError(MEETING_IN_PAST, code="past")
    if invitee_ids is None and not access.can_read(Section.PARTICIPANTS):
        # Who cannot see names keeps the invitees as they are.
        invitee_ids = list(meeting.invitees.values_list("user_id", flat=True))
        people = [
            p for p in people_who_can(meeting.plan, Section.MEETINGS) if p.user.pk in invitee_ids
        ]
    else:
        people = _invitees(meeting.plan, invitee_ids, access)
    moved = (starts_at, duration_minutes) != (meeting.starts_at, meeting.duration_minutes)
    meeting.title, meeting.starts_at, meeting.duration_minutes = title, starts_at, duration_minutes
    meeting.place, meeting.video_link = place, video_link
    meeting.sequence += 1
    meeting.version += 1
    meeting.full_clean()
    meeting.save()
    meeting.agenda.all().delete()
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, title=item, position=n) for n, item in enumerate(agenda)]
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
    access = access_for(acting_user, meeting.plan, _can_call)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(MEETING_CANCELLED)
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


@transaction.atomic
def meeting_respond(*, meeting: Meeting, attending: bool, acting_user) -> MeetingInvitee:
    access = plan_access(acting_user, meeting.plan)
    if not access.can_read(Section.MEETINGS):
        raise PermissionDenied(NOT_INVITED)
    if meeting.is_cancelled:
        raise ValidationError(MEETING_CANCELLED)
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


# --- Minutes ---------------------------------------------------------------------------------


def _minutes_access(meeting: Meeting, acting_user):
    access = access_for(acting_user, meeting.plan, _can_call)
    if meeting.starts_at - datetime.timedelta(hours=1) > timezone.now():
        raise ValidationError(MINUTES_TOO_EARLY)
    return access


@transaction.atomic
def minutes_save(
    *,
    meeting: Meeting,
    expected_version: int | None,
    attendee_ids: list[int] | None,
    other_attendees: str,
    decisions: str,
    agenda_notes: dict[int, str],
    evaluations: dict[int, tuple[str, str]] | None,
    action_points: list[dict],
    acting_user,
) -> Minutes:
    """Write or update the draft minutes: who came, notes per agenda item, each goal's
    evaluation (status and assessment), decisions and action points.

    Goal evaluations (they become the goals' status on approval) and action points' goals are
    for readers of the goals section; who came and who is responsible for readers of the
    participants section. Someone without them passes `None` / leaves those keys out, and what
    others wrote there is kept; trying to set them is refused."""
    access = _minutes_access(meeting, acting_user)
    _check_minutes_sections(access, attendee_ids, evaluations, action_points)
    if not access.can_read(Section.GOALS):
        evaluations = None  # what readers of the goals wrote stays
    if not access.can_read(Section.PARTICIPANTS):
        attendee_ids = None
    minutes, created = Minutes.objects.select_for_update().get_or_create(
        meeting=meeting, defaults={"written_by": acting_user}
    )
    if minutes.is_locked:
        raise ValidationError(MINUTES_LOCKED)
    if not created:
        if minutes.version != expected_version:
            raise ConcurrentEditError
        minutes.version = F("version") + 1
    minutes.other_attendees, minutes.decisions = other_attendees, decisions
    minutes.save()
    minutes.refresh_from_db(fields=["version"])
    if attendee_ids is not None:
        minutes.attendees.set(meeting.invitees.filter(pk__in=attendee_ids))
    items = {i.pk: i for i in meeting.agenda.all()}
    minutes.agenda_notes.all().delete()
    AgendaNote.objects.bulk_create(
        [
            AgendaNote(minutes=minutes, agenda_item=items[pk], notes=text)
            for pk, text in agenda_notes.items()
            if pk in items
        ]
    )
    if evaluations is not None:
        _save_evaluations(minutes, evaluations)
    _save_action_points(minutes, action_points, access)
    record_change(
        access,
        minutes,
        gettext_noop("Skrev referat fra møtet: %(title)s"),
        params={"title": meeting.title},
        action=Action.CREATE if created else Action.UPDATE,
    )
    return minutes


def _check_minutes_sections(access, attendee_ids, evaluations, action_points) -> None:
    if not access.can_read(Section.GOALS) and (
        evaluations or any(p.get("goal_id") for p in action_points)
    ):
        raise PermissionDenied(GOALS_NOT_READABLE)
    if not access.can_read(Section.PARTICIPANTS) and (
        attendee_ids or any(p.get("responsible_id") for p in action_points)
    ):
        raise PermissionDenied(PEOPLE_NOT_READABLE)


def _save_evaluations(minutes: Minutes, evaluations: dict[int, tuple[str, str]]) -> None:
    goals = {g.pk: g for g in Goal.objects.filter(plan=minutes.meeting.plan)}
    minutes.evaluations.all().delete()
    GoalEvaluation.objects.bulk_create(
        [
            GoalEvaluation(minutes=minutes, goal=goals[pk], status=status, assessment=text)
            for pk, (status, text) in evaluations.items()
            if pk in goals
        ]
    )


def _save_action_points(minutes: Minutes, action_points: list[dict], access) -> None:
    """Replace the open action points. A writer who cannot see goals or people keeps the goal
    and responsible that others chose for a point with the same title."""
    earlier = {
        p.title: p for p in minutes.action_points.filter(measure__isnull=True).order_by("pk")
    }
    keep_goal = not access.can_read(Section.GOALS)
    keep_responsible = not access.can_read(Section.PARTICIPANTS)
    points = []
    for point in action_points:
        if not point.get("title"):
            continue
        point = dict(point)
        before = earlier.get(point["title"])
        if before is not None and keep_goal:
            point["goal_id"] = before.goal_id
        if before is not None and keep_responsible:
            point["responsible_id"] = before.responsible_id
        points.append(ActionPoint(minutes=minutes, **point))
    minutes.action_points.filter(measure__isnull=True).delete()
    ActionPoint.objects.bulk_create(points)


@transaction.atomic
def minutes_approve(*, minutes: Minutes, acting_user) -> Minutes:
    """The coordinator approves: the minutes are locked and each evaluated goal takes the
    status the meeting agreed on."""
    plan = minutes.meeting.plan
    access = access_for(acting_user, plan, lambda a: a.is_coordinator)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.is_locked:
        raise ValidationError(MINUTES_LOCKED)
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_by, minutes.approved_at = acting_user, timezone.now()
    minutes.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    for evaluation in minutes.evaluations.select_related("goal"):
        goal = evaluation.goal
        if goal.status != evaluation.status:
            goal_update(
                goal=goal,
                expected_version=goal.version,
                status=evaluation.status,
                acting_user=acting_user,
            )
    record_change(
        access,
        minutes,
        gettext_noop("Godkjente referatet fra møtet: %(title)s"),
        params={"title": minutes.meeting.title},
        action=Action.UPDATE,
    )
    return minutes


@transaction.atomic
def action_point_to_measure(*, action_point: ActionPoint, acting_user):
    """One click: the action point becomes a measure in the plan, with its responsible and date."""
    action_point = ActionPoint.objects.select_for_update().get(pk=action_point.pk)
    if action_point.measure_id is not None:
        raise ValidationError(ALREADY_A_MEASURE)
    if action_point.goal_id is None:
        raise ValidationError(NEEDS_GOAL)
    plan = action_point.minutes.meeting.plan
    measure = measure_create(
        plan=plan,
        goal=action_point.goal,
        title=action_point.title,
        responsible=_responsible_for(action_point, plan, acting_user),
        deadline=action_point.deadline,
        acting_user=acting_user,
    )
    action_point.measure = measure
    action_point.save(update_fields=["measure"])
    return measure


def _responsible_for(action_point: ActionPoint, plan, acting_user):
    """The point's responsible goes along only when the one converting it may see people, or
    it is themselves: otherwise the new measure would tell them a participant's name."""
    responsible = action_point.responsible
    if responsible is None or plan_access(acting_user, plan).can_read(Section.PARTICIPANTS):
        return responsible
    return responsible if responsible.user_id == acting_user.pk else None
