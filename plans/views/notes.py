from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ipplan.forms import id_or_none, posted, status_for
from plans.forms import NoteCorrectionForm, NoteForm
from plans.models import Goal, Measure, ProgressNote
from plans.sections import Section
from plans.selectors import notes_for
from plans.services.notes import NOT_EDITABLE, note_correct, note_create, note_is_editable_by
from plans.views.helpers import load_plan, log_read, require_write
from plans.withheld import may_withhold, visible


def _subject_sections(access) -> list[str]:
    return [s for s in (Section.GOALS, Section.MEASURES) if access.can_read(s)]


def note_list(request, plan_id):
    plan, access = load_plan(request, plan_id, section=Section.NOTES)
    goal_id = id_or_none(request.GET.get("goal"))
    measure_id = id_or_none(request.GET.get("measure"))
    page = Paginator(notes_for(plan, access, goal_id=goal_id, measure_id=measure_id), 25).get_page(
        request.GET.get("page")
    )
    # Each note names the goal or measure it is about, for readers of those sections.
    log_read(request, access, Section.NOTES, *_subject_sections(access))
    query = f"goal={goal_id}" if goal_id else (f"measure={measure_id}" if measure_id else "")
    return render(
        request,
        "plans/notes.html",
        {
            "plan": plan,
            "access": access,
            "page_obj": page,
            "query": query,
            "filter_goal": visible(Goal.objects.filter(plan=plan, pk=goal_id), access).first()
            if goal_id and access.can_read(Section.GOALS)
            else None,
            "filter_measure": visible(
                Measure.objects.filter(plan=plan, pk=measure_id), access
            ).first()
            if measure_id and access.can_read(Section.MEASURES)
            else None,
            "editable_ids": {n.pk for n in page if note_is_editable_by(n, request.user)},
            "withhold_links": access.can_withhold and may_withhold(plan),
        },
    )


@require_http_methods(["GET", "POST"])
def note_create_view(request, plan_id):
    plan, access = load_plan(request, plan_id, section=Section.NOTES)
    require_write(access, access.can_write(Section.NOTES))
    # Only subjects from sections the writer may read may be chosen (and shown by title).
    goals = (
        list(visible(Goal.objects.filter(plan=plan), access))
        if access.can_read(Section.GOALS)
        else []
    )
    measures = (
        list(visible(Measure.objects.filter(plan=plan), access))
        if access.can_read(Section.MEASURES)
        else []
    )
    initial = {}
    if id_or_none(request.GET.get("goal")):
        initial["subject"] = f"goal:{id_or_none(request.GET['goal'])}"
    elif id_or_none(request.GET.get("measure")):
        initial["subject"] = f"measure:{id_or_none(request.GET['measure'])}"
    form = NoteForm(posted(request), plan=plan, goals=goals, measures=measures, initial=initial)
    log_read(request, access, Section.NOTES, *_subject_sections(access))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note_create(
                plan=plan,
                text=data["text"],
                noted_on=data["noted_on"],
                acting_user=request.user,
                **data.get("subject", {}),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Notatet er lagret."))
            return redirect("plans:notes", plan.pk)
    return render(
        request,
        "plans/note_form.html",
        {
            "plan": plan,
            "form": form,
            "note": None,
            "note_minutes": settings.IPPLAN_NOTE_EDIT_MINUTES,
        },
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def note_correct_view(request, plan_id, note_id):
    plan, access = load_plan(request, plan_id, section=Section.NOTES)
    note = get_object_or_404(visible(ProgressNote.objects.filter(plan=plan), access), pk=note_id)
    require_write(access, access.can_write(Section.NOTES))
    if not note_is_editable_by(note, request.user):
        raise PermissionDenied(NOT_EDITABLE)
    form = NoteCorrectionForm(
        posted(request), initial={"text": note.text, "noted_on": note.noted_on}
    )
    log_read(request, access, Section.NOTES, target=note)
    if request.method == "POST" and form.is_valid():
        try:
            note_correct(note=note, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Notatet er rettet."))
            return redirect("plans:notes", plan.pk)
    return render(
        request,
        "plans/note_form.html",
        {
            "plan": plan,
            "form": form,
            "note": note,
            "note_minutes": settings.IPPLAN_NOTE_EDIT_MINUTES,
        },
        status=status_for(form),
    )
