from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ipplan.forms import posted, status_for
from plans.forms import CooperationForm, ParticipantForm
from plans.models import CooperationNeed, Participant
from plans.sections import Section
from plans.services.common import ConcurrentEditError
from plans.services.participants import (
    cooperation_create,
    cooperation_delete,
    cooperation_update,
    participant_add,
    participant_remove,
    participant_update,
)
from plans.views.helpers import (
    back_to_section,
    load_plan,
    log_read,
    require_write,
    show_conflict,
)

PARTICIPANT_FIELDS = (
    "user",
    "name",
    "role",
    "organisation",
    "title",
    "phone",
    "email",
    "contribution",
)


@require_http_methods(["GET", "POST"])
def participant_create_view(request, plan_id):
    plan, access = load_plan(request, plan_id, section=Section.PARTICIPANTS)
    require_write(access, access.can_manage_plan)
    form = ParticipantForm(posted(request), plan=plan, initial={"version": 1})
    log_read(request, access, Section.PARTICIPANTS)
    if request.method == "POST" and form.is_valid():
        try:
            participant_add(plan=plan, acting_user=request.user, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return back_to_section(request, plan, "participants", _("Deltakeren er lagt til."))
    return render(
        request,
        "plans/participant_form.html",
        {"plan": plan, "form": form, "participant": None},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def participant_edit_view(request, plan_id, participant_id):
    plan, access = load_plan(request, plan_id, section=Section.PARTICIPANTS)
    participant = get_object_or_404(Participant, pk=participant_id, plan=plan, is_active=True)
    require_write(access, access.can_manage_plan)
    initial = {name: getattr(participant, name) for name in PARTICIPANT_FIELDS}
    form = ParticipantForm(
        posted(request), plan=plan, initial={**initial, "version": participant.version}
    )
    saved_now = None
    log_read(request, access, Section.PARTICIPANTS, target=participant)
    if request.method == "POST" and form.is_valid():
        try:
            participant_update(
                participant=participant,
                acting_user=request.user,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ConcurrentEditError:
            saved_now = show_conflict(form, Participant.objects.get(pk=participant.pk))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return back_to_section(request, plan, "participants", _("Deltakeren er lagret."))
    return render(
        request,
        "plans/participant_form.html",
        {"plan": plan, "form": form, "participant": participant, "saved_now": saved_now},
        status=status_for(form),
    )


@require_POST
def participant_remove_view(request, plan_id, participant_id):
    plan, access = load_plan(request, plan_id, section=Section.PARTICIPANTS)
    participant = get_object_or_404(Participant, pk=participant_id, plan=plan, is_active=True)
    require_write(access, access.can_manage_plan)
    try:
        participant_remove(participant=participant, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        return back_to_section(
            request, plan, "participants", _("Deltakeren er ikke lenger med i planen.")
        )
    return redirect(f"{plan.get_absolute_url()}#participants")


@require_http_methods(["GET", "POST"])
def cooperation_create_view(request, plan_id):
    plan, access = load_plan(request, plan_id, section=Section.PARTICIPANTS)
    require_write(access, access.can_write(Section.PARTICIPANTS))
    form = CooperationForm(posted(request), initial={"version": 1})
    log_read(request, access, Section.PARTICIPANTS)
    if request.method == "POST" and form.is_valid():
        cooperation_create(plan=plan, acting_user=request.user, **form.changes())
        return back_to_section(request, plan, "cooperation", _("Samarbeidsbehovet er lagt til."))
    return render(
        request,
        "plans/cooperation_form.html",
        {"plan": plan, "form": form, "need": None},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def cooperation_edit_view(request, plan_id, need_id):
    plan, access = load_plan(request, plan_id, section=Section.PARTICIPANTS)
    need = get_object_or_404(CooperationNeed, pk=need_id, plan=plan)
    require_write(access, access.can_write(Section.PARTICIPANTS))
    form = CooperationForm(
        posted(request),
        initial={
            "version": need.version,
            "with_whom": need.with_whom,
            "description": need.description,
        },
    )
    saved_now = None
    log_read(request, access, Section.PARTICIPANTS, target=need)
    if request.method == "POST" and form.is_valid():
        try:
            cooperation_update(
                need=need,
                acting_user=request.user,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ConcurrentEditError:
            saved_now = show_conflict(form, CooperationNeed.objects.get(pk=need.pk))
        else:
            return back_to_section(request, plan, "cooperation", _("Samarbeidsbehovet er lagret."))
    return render(
        request,
        "plans/cooperation_form.html",
        {"plan": plan, "form": form, "need": need, "saved_now": saved_now},
        status=status_for(form),
    )


@require_POST
def cooperation_delete_view(request, plan_id, need_id):
    plan, access = load_plan(request, plan_id, section=Section.PARTICIPANTS)
    need = get_object_or_404(CooperationNeed, pk=need_id, plan=plan)
    require_write(access, access.can_write(Section.PARTICIPANTS))
    cooperation_delete(need=need, acting_user=request.user)
    return back_to_section(request, plan, "cooperation", _("Samarbeidsbehovet er fjernet."))
