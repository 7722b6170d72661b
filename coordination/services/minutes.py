"""Minutes of a meeting: written from an hour before it, approved by the coordinator, with
goal evaluations and action points that may become measures in the plan."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from consent.policy import plan_access
from coordination.models import ActionPoint, AgendaNote, GoalEvaluation, Meeting, Minutes
from coordination.services.meetings import GOALS_NOT_READABLE, PEOPLE_NOT_READABLE, can_call
from plans.models import Goal
from plans.sections import Action, Section
from plans.services.common import ConcurrentEditError, access_for, record_change
from plans.services.goals import goal_update
from plans.services.measures import measure_create

MINUTES_LOCKED = _("Referatet er godkjent og kan ikke endres.")
MINUTES_TOO_EARLY = _("Referat kan skrives fra én time før møtet.")
ONLY_COORDINATOR_APPROVES = _("Bare koordinatoren godkjenner referatet.")
ALREADY_A_MEASURE = _("Oppfølgingspunktet er allerede gjort om til et tiltak.")
NEEDS_GOAL = _("Velg hvilket mål tiltaket hører til.")


def _minutes_access(meeting: Meeting, acting_user):
    access = access_for(acting_user, meeting.plan, can_call)
    if not meeting.minutes_open:
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
