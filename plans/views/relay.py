"""A child's relay log (stafettlogg): created by a professional, continued as an individual
plan. Its other pages are the plan's own; the baton is handed on with the coordinator
handover (plans/views/handover.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.services import person_find_or_register
from ipplan.forms import posted, status_for
from ipplan.ratelimit import RATE_LIMITED, RateLimited
from plans.access import municipalities_for
from plans.forms import ContinueAsPlanForm, RelayLogCreateForm
from plans.kinds import HOLDER_ROLES
from plans.models import Plan
from plans.sections import OVERVIEW
from plans.services.relay import (
    continue_as_plan_grounds,
    relay_log_continue_as_plan,
    relay_log_create,
)
from plans.views.helpers import load_plan, log_read, require_write


def _relay_municipalities(user):
    found = None
    for role in HOLDER_ROLES[Plan.Kind.RELAY_LOG]:
        ids = municipalities_for(user, role)
        found = ids if found is None else found | ids
    return found.distinct()


@require_http_methods(["GET", "POST"])
def relay_log_create_view(request):
    municipalities = _relay_municipalities(request.user)
    if not municipalities:
        raise Http404
    form = RelayLogCreateForm(posted(request), municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            child = person_find_or_register(
                national_id=data["national_id"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                municipality=data["municipality"],
                acting_user=request.user,
            )
            plan = relay_log_create(
                owner=child, municipality=data["municipality"], acting_user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        except RateLimited:
            form.add_error(None, RATE_LIMITED)
        else:
            messages.success(
                request,
                _("Stafettloggen er opprettet. Den tas i bruk når foreldrene har samtykket."),
            )
            return redirect("plans:detail", plan.pk)
    return render(request, "plans/relay_log_create.html", {"form": form}, status=status_for(form))


@require_http_methods(["GET", "POST"])
def continue_as_plan_view(request, plan_id):
    plan, access = load_plan(request, plan_id)
    require_write(access, access.can_manage_plan)
    granted, consented_by = continue_as_plan_grounds(plan)
    if not granted:
        raise Http404
    appointed = granted if isinstance(granted, User) else None
    form = ContinueAsPlanForm(
        posted(request), plan=plan, initial={"coordinator": appointed and appointed.pk}
    )
    log_read(request, access, OVERVIEW)
    if request.method == "POST" and form.is_valid():
        try:
            relay_log_continue_as_plan(
                plan=plan, coordinator=form.cleaned_data["coordinator"], acting_user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Stafettloggen fortsetter som individuell plan. Alt i den er tatt med."),
            )
            return redirect("plans:detail", plan.pk)
    return render(
        request,
        "plans/continue_as_plan.html",
        {"plan": plan, "form": form, "appointed": appointed, "consented_by": consented_by},
        status=status_for(form),
    )
