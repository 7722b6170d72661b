from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ipplan.forms import posted, status_for
from plans.forms import GoalForm, OwnerGoalForm
from plans.models import Goal
from plans.sections import Section
from plans.selectors import plan_overview
from plans.services.common import ConcurrentEditError
from plans.services.goals import goal_create, goal_move, goal_update
from plans.views.helpers import load_plan, log_read, require_write, show_conflict
from plans.withheld import visible


def _form_class(access):
    return GoalForm if access.can_write(Section.GOALS) else OwnerGoalForm


def _form(access, plan, data=None, **kwargs):
    form_class = _form_class(access)
    if form_class is GoalForm:
        return GoalForm(data, plan=plan, **kwargs)
    return OwnerGoalForm(data, **{k: v for k, v in kwargs.items() if k != "goal"})


@require_http_methods(["GET", "POST"])
def goal_create_view(request, plan_id):
    plan, access = load_plan(request, plan_id, section=Section.GOALS)
    require_write(access, access.can_edit_goal_wording)
    initial = {"version": 1, "parent": request.GET.get("parent")}
    form = _form(access, plan, posted(request), initial=initial)
    log_read(request, access, Section.GOALS)  # the parent goal is chosen among the goals
    if request.method == "POST" and form.is_valid():
        try:
            goal = goal_create(plan=plan, acting_user=request.user, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Målet er lagt til."))
            return redirect(f"{plan.get_absolute_url()}#goal-{goal.pk}")
    return render(
        request,
        "plans/goal_form.html",
        {"plan": plan, "form": form, "goal": None},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def goal_edit_view(request, plan_id, goal_id):
    plan, access = load_plan(request, plan_id, section=Section.GOALS)
    goal = get_object_or_404(visible(Goal.objects.filter(plan=plan), access), pk=goal_id)
    require_write(access, access.can_edit_goal_wording)
    initial = {
        "version": goal.version,
        "title": goal.title,
        "description": goal.description,
        "parent": goal.parent_id,
        "status": goal.status,
        "target_date": goal.target_date,
    }
    form = _form(access, plan, posted(request), initial=initial, goal=goal)
    saved_now = None
    log_read(request, access, Section.GOALS, target=goal)
    if request.method == "POST" and form.is_valid():
        try:
            goal_update(
                goal=goal,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
                **form.changes(),
            )
        except ConcurrentEditError:
            saved_now = show_conflict(form, Goal.objects.get(pk=goal.pk))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Målet er lagret."))
            return redirect(f"{plan.get_absolute_url()}#goal-{goal.pk}")
    return render(
        request,
        "plans/goal_form.html",
        {"plan": plan, "form": form, "goal": goal, "saved_now": saved_now},
        status=status_for(form),
    )


@require_POST
def goal_move_view(request, plan_id, goal_id):
    """Up/down buttons: a plain form post, or with htmx the goal list is swapped in place."""
    plan, access = load_plan(request, plan_id, section=Section.GOALS)
    goal = get_object_or_404(visible(Goal.objects.filter(plan=plan), access), pk=goal_id)
    require_write(access, access.can_write(Section.GOALS))
    try:
        goal_move(goal=goal, direction=request.POST.get("direction", ""), acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.htmx:
        overview = plan_overview(plan, access)
        log_read(request, access, *overview.sections_shown)
        return render(
            request,
            "plans/includes/goals.html",
            {"plan": plan, "access": access, "overview": overview, "moved": goal.pk},
        )
    return redirect(f"{plan.get_absolute_url()}#goal-{goal.pk}")
