"""Meetings of a plan: for everyone who may read the meetings section; calling, changing and
minutes for those who may write it; approval for the coordinator."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consent.models import AccessLogEntry
from consent.policy import plan_and_access_or_404, require_read
from consent.reads import log_read
from coordination.calendar import CANCEL, REQUEST, meeting_ics
from coordination.forms import AgendaProposalForm, MeetingForm, MinutesForm, RespondForm
from coordination.loaders import meeting_and_access_or_404
from coordination.models import ActionPoint, MeetingInvitee, Minutes
from coordination.selectors import invitable_people, meeting_list_for
from coordination.services.meetings import (
    MEETING_CANCELLED,
    MEETING_HELD,
    agenda_item_propose,
    meeting_cancel,
    meeting_create,
    meeting_respond,
    meeting_update,
)
from coordination.services.minutes import (
    MINUTES_TOO_EARLY,
    action_point_to_measure,
    minutes_approve,
    minutes_save,
)
from ipplan.forms import posted, status_for
from plans.models import Goal, Participant
from plans.sections import OVERVIEW, Section
from plans.services.common import EDITED_BY_SOMEONE_ELSE, ConcurrentEditError
from plans.withheld import visible

S = Section.MEETINGS


def _load(request, plan_id, meeting_id=None, *, notice=False):
    """The plan, access and meeting, or 404; declares the read that every page here is (one
    access-log entry if the response succeeds; a view adds what else it shows). `notice`: an
    invitee without the meetings section may have this meeting's notice (and nothing more)."""
    if meeting_id is None:
        plan, access = plan_and_access_or_404(request.user, plan_id)
        require_read(access, S)
        meeting = None
    else:
        meeting, access = meeting_and_access_or_404(
            request.user, plan_id, meeting_id, notice=notice
        )
        plan = access.plan
    log_read(request, access, OVERVIEW, S, target=meeting)
    return plan, access, meeting


def _also_shown(request, access, *sections) -> None:
    """Goal titles and participants' names appear here only for readers of those sections."""
    log_read(request, access, *(s for s in sections if access.can_read(s)))


def _require_write(access):
    if not access.can_write(S):
        raise PermissionDenied(_("Du kan se møtene, men ikke kalle inn eller skrive referat."))


def meeting_list(request, plan_id):
    plan, access, _meeting = _load(request, plan_id)
    meetings = list(meeting_list_for(plan))
    now = timezone.now()
    return render(
        request,
        "coordination/meetings.html",
        {
            "plan": plan,
            "access": access,
            "upcoming": sorted(
                (m for m in meetings if m.starts_at >= now and not m.is_cancelled),
                key=lambda m: m.starts_at,
            ),
            "past": [m for m in meetings if m.starts_at < now or m.is_cancelled],
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_create_view(request, plan_id):
    plan, access, _meeting = _load(request, plan_id)
    _require_write(access)
    people = invitable_people(plan)
    _also_shown(request, access, Section.PARTICIPANTS)
    form = MeetingForm(
        posted(request),
        people=people,
        show_names=access.can_read(Section.PARTICIPANTS),
        initial={"invitees": [p.user.pk for p in people]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meeting_create(
                plan=plan,
                title=data["title"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                video_link=data["video_link"],
                agenda=form.agenda_items(),
                invitee_ids=form.invitee_ids(),
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Møtet er lagret og innkallingen sendt."))
            return redirect("coordination:meeting", plan.pk, meeting.pk)
    return render(
        request,
        "coordination/meeting_form.html",
        {"plan": plan, "form": form, "meeting": None, "access": access},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def meeting_edit_view(request, plan_id, meeting_id):
    plan, access, meeting = _load(request, plan_id, meeting_id)
    _require_write(access)
    if meeting.has_started or meeting.is_cancelled:
        messages.info(request, MEETING_CANCELLED if meeting.is_cancelled else MEETING_HELD)
        return redirect("coordination:meeting", plan.pk, meeting.pk)
    local = timezone.localtime(meeting.starts_at)
    _also_shown(request, access, Section.PARTICIPANTS)
    form = MeetingForm(
        posted(request),
        people=invitable_people(plan),
        show_names=access.can_read(Section.PARTICIPANTS),
        initial={
            "version": meeting.version,
            "title": meeting.title,
            "date": local.date(),
            "time": local.time(),
            "duration_minutes": meeting.duration_minutes,
            "place": meeting.place,
            "video_link": meeting.video_link,
            "agenda": "\n".join(i.title for i in meeting.agenda.all()),
            "invitees": list(meeting.invitees.values_list("user_id", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting_update(
                meeting=meeting,
                expected_version=data["version"],
                title=data["title"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                video_link=data["video_link"],
                agenda=form.agenda_items(),
                invitee_ids=form.invitee_ids(),
                acting_user=request.user,
            )
        except ConcurrentEditError:
            form.add_error(None, EDITED_BY_SOMEONE_ELSE)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Møtet er endret, og alle inviterte har fått beskjed."))
            return redirect("coordination:meeting", plan.pk, meeting.pk)
    return render(
        request,
        "coordination/meeting_form.html",
        {"plan": plan, "form": form, "meeting": meeting, "access": access},
        status=status_for(form),
    )


def meeting_detail(request, plan_id, meeting_id):
    plan, access, meeting = _load(request, plan_id, meeting_id, notice=True)
    invitees = list(meeting.invitees.all())
    notice_only = not access.can_read(S)
    minutes = None if notice_only else Minutes.objects.filter(meeting=meeting).first()
    show_minutes = minutes is not None and (minutes.is_locked or access.can_write(S))
    if show_minutes:
        _also_shown(request, access, Section.GOALS, Section.PARTICIPANTS)
    return render(
        request,
        "coordination/meeting.html",
        {
            "plan": plan,
            "access": access,
            "meeting": meeting,
            "invitees": invitees,
            "mine": next((i for i in invitees if i.user_id == request.user.pk), None),
            "may_propose": access.is_owner_side
            and not meeting.is_cancelled
            and not meeting.has_started,
            "proposal_form": AgendaProposalForm(),
            "minutes": minutes if show_minutes else None,
            "minutes_exist": minutes is not None,
            "notice_only": notice_only,
            "agenda_notes": {n.agenda_item_id: n.notes for n in minutes.agenda_notes.all()}
            if show_minutes
            else {},
            # A goal withheld from the parents is not evaluated in front of them either.
            "evaluations": list(
                minutes.evaluations.filter(
                    goal__in=visible(Goal.objects.filter(plan=plan), access)
                ).select_related("goal")
            )
            if show_minutes
            else [],
            "can_write_minutes": access.can_write(S) and meeting.minutes_open,
            # Goal titles and evaluations belong to the goals section, names to participants.
            "show_goals": access.can_read(Section.GOALS),
            "show_names": access.can_read(Section.PARTICIPANTS),
        },
    )


@require_POST
def agenda_propose_view(request, plan_id, meeting_id):
    plan, _access, meeting = _load(request, plan_id, meeting_id)
    form = AgendaProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("title", [])))
    else:
        try:
            agenda_item_propose(
                meeting=meeting, title=form.cleaned_data["title"], acting_user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saken er lagt til, og den som kalte inn er varslet."))
    return redirect("coordination:meeting", plan.pk, meeting.pk)


@require_POST
def meeting_cancel_view(request, plan_id, meeting_id):
    plan, access, meeting = _load(request, plan_id, meeting_id)
    _require_write(access)
    try:
        meeting_cancel(meeting=meeting, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Møtet er avlyst, og alle inviterte har fått beskjed."))
    return redirect("coordination:meeting", plan.pk, meeting.pk)


@require_POST
def meeting_respond_view(request, plan_id, meeting_id):
    plan, _access, meeting = _load(request, plan_id, meeting_id, notice=True)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg om du kommer eller ikke."))
    else:
        try:
            meeting_respond(
                meeting=meeting,
                acting_user=request.user,
                attending=form.cleaned_data["answer"] == "attending",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Takk for svaret."))
    return redirect("coordination:meeting", plan.pk, meeting.pk)


def meeting_calendar(request, plan_id, meeting_id):
    _plan, _access, meeting = _load(request, plan_id, meeting_id, notice=True)
    if not MeetingInvitee.objects.filter(meeting=meeting, user=request.user).exists():
        raise PermissionDenied(_("Du er ikke invitert til dette møtet."))
    method = CANCEL if meeting.is_cancelled else REQUEST
    log_read(request, _access, S, action=AccessLogEntry.Action.DOWNLOAD, target=meeting)
    response = HttpResponse(
        meeting_ics(meeting, method=method), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mote.ics"'
    return response


@require_http_methods(["GET", "POST"])
def minutes_edit(request, plan_id, meeting_id):
    plan, access, meeting = _load(request, plan_id, meeting_id)
    _require_write(access)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.is_locked:
        raise PermissionDenied(_("Referatet er godkjent og kan ikke endres."))
    if not meeting.minutes_open:
        # Offered from an hour before the meeting: say so before anything is typed.
        messages.info(request, MINUTES_TOO_EARLY if not meeting.is_cancelled else MEETING_CANCELLED)
        return redirect("coordination:meeting", plan.pk, meeting.pk)
    show_goals, show_names = access.can_read(Section.GOALS), access.can_read(Section.PARTICIPANTS)
    _also_shown(request, access, Section.GOALS, Section.PARTICIPANTS)
    form = MinutesForm(
        posted(request),
        meeting=meeting,
        goals=_goals_to_evaluate(plan, minutes, access) if show_goals else None,
        participants=Participant.objects.filter(plan=plan, is_active=True) if show_names else None,
        initial=_minutes_initial(minutes),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            minutes_save(
                meeting=meeting,
                expected_version=data["version"],
                attendee_ids=form.attendee_ids(),
                other_attendees=data["other_attendees"],
                decisions=data["decisions"],
                agenda_notes=form.agenda_notes(),
                evaluations=form.evaluations(),
                action_points=form.action_points(),
                acting_user=request.user,
            )
        except ConcurrentEditError:
            form.add_error(None, EDITED_BY_SOMEONE_ELSE)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Referatet er lagret som utkast."))
            return redirect("coordination:meeting", plan.pk, meeting.pk)
    return render(
        request,
        "coordination/minutes_form.html",
        {"plan": plan, "meeting": meeting, "form": form, "access": access},
        status=status_for(form),
    )


def _goals_to_evaluate(plan, minutes, access):
    goals = visible(Goal.objects.filter(plan=plan), access).exclude(
        status__in=[Goal.Status.ACHIEVED, Goal.Status.NOT_RELEVANT]
    )
    if minutes is not None:
        goals = goals | visible(Goal.objects.filter(evaluations__minutes=minutes), access)
    return list(goals.distinct().order_by("parent_id", "position", "pk"))


def _minutes_initial(minutes) -> dict:
    if minutes is None:
        return {}
    initial = {
        "version": minutes.version,
        "other_attendees": minutes.other_attendees,
        "decisions": minutes.decisions,
        "attendees": list(minutes.attendees.values_list("pk", flat=True)),
    }
    for note in minutes.agenda_notes.all():
        initial[f"agenda_{note.agenda_item_id}"] = note.notes
    for evaluation in minutes.evaluations.all():
        initial[f"goal_{evaluation.goal_id}_status"] = evaluation.status
        initial[f"goal_{evaluation.goal_id}_assessment"] = evaluation.assessment
    for n, point in enumerate(minutes.action_points.filter(measure__isnull=True)):
        initial.update(
            {
                f"action_{n}_title": point.title,
                f"action_{n}_goal": point.goal_id,
                f"action_{n}_responsible": point.responsible_id,
                f"action_{n}_deadline": point.deadline,
            }
        )
    return initial


@require_POST
def minutes_approve_view(request, plan_id, meeting_id):
    plan, access, meeting = _load(request, plan_id, meeting_id)
    if not access.is_coordinator:
        raise PermissionDenied(_("Bare koordinatoren godkjenner referatet."))
    minutes = get_object_or_404(Minutes, meeting=meeting)
    try:
        minutes_approve(minutes=minutes, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Referatet er godkjent og låst."))
    return redirect("coordination:meeting", plan.pk, meeting.pk)


@require_POST
def action_point_measure_view(request, plan_id, meeting_id, point_id):
    plan, access, meeting = _load(request, plan_id, meeting_id)
    if not access.can_write(Section.MEASURES):
        raise PermissionDenied(_("Du kan ikke legge inn tiltak i planen."))
    point = get_object_or_404(ActionPoint, pk=point_id, minutes__meeting=meeting)
    try:
        measure = action_point_to_measure(action_point=point, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coordination:meeting", plan.pk, meeting.pk)
    messages.success(request, _("Tiltaket er lagt inn i planen."))
    return redirect(f"{plan.get_absolute_url()}#measure-{measure.pk}")
