from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ipplan.forms import posted, status_for
from plans.forms import MeasureForm, OwnContributionForm
from plans.models import Measure
from plans.sections import Section
from plans.services.common import ConcurrentEditError
from plans.services.measures import measure_create, measure_update
from plans.views.helpers import load_plan, log_read, require_write, show_conflict
from plans.withheld import visible

MEASURE_FIELDS = (
    "goal",
    "title",
    "how",
    "scope",
    "organisation",
    "performed_by",
    "responsible",
    "start_date",
    "deadline",
    "status",
    "is_own_contribution",
    "bti_level",
)


def _form(access, plan, data=None, *, user, measure=None, **kwargs):
    goal_titles = access.can_read(Section.GOALS)
    if not access.can_write(Section.MEASURES):
        return OwnContributionForm(
            data, plan=plan, goal_titles=goal_titles, access=access, **kwargs
        )
    people_for = None
    if not access.can_read(Section.PARTICIPANTS):
        people_for = (user, measure.responsible if measure else None)
    return MeasureForm(
        data, plan=plan, goal_titles=goal_titles, people_for=people_for, access=access, **kwargs
    )


def _shown(request, access, form, target=None) -> None:
    """The form shows the measure, goal titles to choose from and participants as responsible."""
    shown = [Section.MEASURES]
    if access.can_read(Section.GOALS):
        shown.append(Section.GOALS)
    if "responsible" in form.fields and access.can_read(Section.PARTICIPANTS):
        shown.append(Section.PARTICIPANTS)
    log_read(request, access, *shown, target=target)


def _initial(measure: Measure, form_class) -> dict:
    initial = {"version": measure.version}
    for name in MEASURE_FIELDS:
        # The BTI level is a relay log's own field (MeasureForm adds it there).
        if name in form_class.base_fields or name == "bti_level":
            value = (
                getattr(measure, f"{name}_id", None)
                if name in ("goal", "organisation", "responsible")
                else getattr(measure, name)
            )
            initial[name] = value
    return initial


@require_http_methods(["GET", "POST"])
def measure_create_view(request, plan_id):
    plan, access = load_plan(request, plan_id, section=Section.MEASURES)
    require_write(access, access.can_edit_own_contributions)
    form = _form(
        access,
        plan,
        posted(request),
        user=request.user,
        initial={"version": 1, "goal": request.GET.get("goal"), "status": Measure.Status.PLANNED},
    )
    _shown(request, access, form)
    if request.method == "POST" and form.is_valid():
        try:
            measure = measure_create(plan=plan, acting_user=request.user, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Tiltaket er lagt til."))
            return redirect(f"{plan.get_absolute_url()}#measure-{measure.pk}")
    return render(
        request,
        "plans/measure_form.html",
        {"plan": plan, "form": form, "measure": None},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def measure_edit_view(request, plan_id, measure_id):
    plan, access = load_plan(request, plan_id, section=Section.MEASURES)
    measure = get_object_or_404(visible(Measure.objects.filter(plan=plan), access), pk=measure_id)
    full = access.can_write(Section.MEASURES)
    require_write(
        access, full or (measure.is_own_contribution and access.can_edit_own_contributions)
    )
    form_class = MeasureForm if full else OwnContributionForm
    form = _form(
        access,
        plan,
        posted(request),
        user=request.user,
        measure=measure,
        initial=_initial(measure, form_class),
    )
    saved_now = None
    _shown(request, access, form, target=measure)
    if request.method == "POST" and form.is_valid():
        try:
            measure_update(
                measure=measure,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
                **form.changes(),
            )
        except ConcurrentEditError:
            saved_now = show_conflict(form, Measure.objects.get(pk=measure.pk))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Tiltaket er lagret."))
            return redirect(f"{plan.get_absolute_url()}#measure-{measure.pk}")
    return render(
        request,
        "plans/measure_form.html",
        {"plan": plan, "form": form, "measure": measure, "saved_now": saved_now},
        status=status_for(form),
    )
