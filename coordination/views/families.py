"""The barnekoordinator's family workspace: the parents (and the child) read it, the
barnekoordinator keeps it up to date. Every page that shows it writes one log entry the
parents read; everyone else gets a 404 (coordination.loaders.family_and_access_or_404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from coordination.forms import FamilyCloseForm, FamilyPlanForm, FamilyServiceForm, FamilyTaskForm
from coordination.loaders import family_and_access_or_404
from coordination.selectors import family_page, family_plan_choices
from coordination.services.families import (
    family_close,
    family_plan_link,
    family_service_add,
    family_service_remove,
    family_task_update,
)
from ipplan.forms import posted, status_for
from plans.services.family import family_log


def _coordinator_family_or_404(user, family_id: int):
    family, access = family_and_access_or_404(user, family_id)
    if not access.is_coordinator or not family.is_active:
        raise Http404
    return family, access


def _add(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def family_detail(request, family_id):
    family, access = family_and_access_or_404(request.user, family_id)
    context = family_page(family, access)
    family_log(family, request.user, "read", gettext_noop("Familiens side"))
    if access.is_coordinator and family.is_active:
        plans = family_plan_choices(family, request.user)
        context["plan_form"] = (
            FamilyPlanForm(plans=plans, initial={"plan": family.plan_id}) if plans else None
        )
    return render(
        request, "coordination/family.html", {"family": family, "access": access, **context}
    )


@require_http_methods(["GET", "POST"])
def family_task_edit(request, family_id, task_id):
    family, _access = _coordinator_family_or_404(request.user, family_id)
    task = get_object_or_404(family.tasks, pk=task_id)
    initial = {"state": task.state, "done_on": task.done_on, "note": task.note}
    form = FamilyTaskForm(posted(request), initial=initial)
    if request.method == "GET":
        family_log(family, request.user, "read", task.get_kind_display())
    if request.method == "POST" and form.is_valid():
        try:
            family_task_update(task=task, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add(form, error)
        else:
            messages.success(request, _("Oppgaven er oppdatert."))
            return redirect("coordination:family", family.pk)
    return render(
        request,
        "coordination/family_form.html",
        {"family": family, "form": form, "heading": task.get_kind_display()},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def family_service_create(request, family_id):
    family, _access = _coordinator_family_or_404(request.user, family_id)
    form = FamilyServiceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            family_service_add(family=family, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add(form, error)
        else:
            messages.success(request, _("Tjenesten er lagt til."))
            return redirect("coordination:family", family.pk)
    return render(
        request,
        "coordination/family_form.html",
        {"family": family, "form": form, "heading": _("Legg til en tjeneste")},
        status=status_for(form),
    )


@require_POST
def family_service_delete(request, family_id, service_id):
    family, _access = _coordinator_family_or_404(request.user, family_id)
    service = get_object_or_404(family.services, pk=service_id)
    family_service_remove(service=service, acting_user=request.user)
    messages.success(request, _("Tjenesten er fjernet fra listen."))
    return redirect("coordination:family", family.pk)


@require_POST
def family_plan_view(request, family_id):
    family, _access = _coordinator_family_or_404(request.user, family_id)
    plans = family_plan_choices(family, request.user)
    form = FamilyPlanForm(request.POST, plans=plans)
    if form.is_valid():
        chosen = next((p for p in plans if p.pk == form.cleaned_data["plan"]), None)
        try:
            family_plan_link(family=family, plan=chosen, acting_user=request.user)
        except (ValidationError, PermissionDenied):
            raise Http404 from None
        messages.success(request, _("Barnets plan er lagret."))
    else:
        messages.error(request, _("Velg en av planene i listen."))
    return redirect("coordination:family", family.pk)


@require_http_methods(["GET", "POST"])
def family_close_view(request, family_id):
    family, _access = _coordinator_family_or_404(request.user, family_id)
    form = FamilyCloseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            family_close(family=family, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add(form, error)
        else:
            messages.success(request, _("Barnekoordinatoren er avsluttet."))
            return redirect("coordination:family", family.pk)
    return render(
        request,
        "coordination/family_form.html",
        {
            "family": family,
            "form": form,
            "heading": _("Avslutt barnekoordinator"),
            "intro": _(
                "Retten gjelder så lenge vilkårene er oppfylt, og til barnet fyller 18 år. "
                "Foreldrene ser at den er avsluttet og hvorfor."
            ),
        },
        status=status_for(form),
    )
