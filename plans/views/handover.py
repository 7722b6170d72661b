from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ipplan.forms import posted, status_for
from plans.access import coordinator_access
from plans.forms import HandoverAnswerForm, HandoverForm
from plans.models import CoordinatorHandover
from plans.sections import OVERVIEW
from plans.services.handover import handover_propose, handover_respond, handover_withdraw
from plans.views.helpers import load_plan, log_read, require_write


@require_http_methods(["GET", "POST"])
def handover_propose_view(request, plan_id):
    plan, access = load_plan(request, plan_id)
    require_write(access, access.can_manage_plan)
    form = HandoverForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            handover_propose(plan=plan, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Forslaget er sendt. Du er stafettholder til det er godtatt.")
                if plan.kind == plan.Kind.RELAY_LOG
                else _("Forslaget er sendt. Du er koordinator til det er godtatt."),
            )
            return redirect("plans:detail", plan.pk)
    return render(
        request, "plans/handover_form.html", {"plan": plan, "form": form}, status=status_for(form)
    )


@require_POST
def handover_withdraw_view(request, plan_id, handover_id):
    plan, access = load_plan(request, plan_id)
    require_write(access, access.can_manage_plan)
    handover = get_object_or_404(CoordinatorHandover, pk=handover_id, plan=plan)
    try:
        handover_withdraw(handover=handover, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("plans:detail", plan.pk)


@require_http_methods(["GET", "POST"])
def handover_answer_view(request, handover_id):
    """The proposed coordinator sees whose plan it is and answers; nothing more of the plan
    until they have accepted."""
    handover = get_object_or_404(
        CoordinatorHandover.objects.select_related("plan__owner", "from_coordinator"),
        pk=handover_id,
        to_coordinator=request.user,
        status=CoordinatorHandover.Status.PROPOSED,
    )
    if handover.plan.is_closed:
        raise Http404
    form = HandoverAnswerForm(posted(request))
    # The page names whose plan it is: logged as seen by the proposed coordinator.
    seen_as = coordinator_access(handover.plan, request.user)
    log_read(request, seen_as, OVERVIEW)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        handover_respond(handover=handover, accept=accept, acting_user=request.user)
        if accept:
            messages.success(
                request,
                _("Du er nå stafettholder.")
                if handover.plan.kind == handover.plan.Kind.RELAY_LOG
                else _("Du er nå koordinator for planen."),
            )
            return redirect("plans:detail", handover.plan_id)
        messages.info(request, _("Du har takket nei. Koordinatoren har fått svaret."))
        return redirect("home")
    return render(
        request,
        "plans/handover_answer.html",
        {"handover": handover, "form": form},
        status=status_for(form),
    )
