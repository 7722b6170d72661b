"""Messages inside a plan, among those with access to the messages section."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consent.policy import plan_and_access_or_404, require_read
from consent.reads import log_read
from coordination.forms import ReplyForm, ThreadForm
from coordination.loaders import thread_and_access_or_404
from coordination.selectors import threads_for
from coordination.services.messages import message_post, thread_mark_read, thread_start
from ipplan.forms import posted, status_for
from plans.sections import OVERVIEW, Section

S = Section.MESSAGES


def _load(request, plan_id):
    """The plan and access, or 404; every page here shows the messages section."""
    plan, access = plan_and_access_or_404(request.user, plan_id)
    require_read(access, S)
    log_read(request, access, OVERVIEW, S)
    return plan, access


def thread_list(request, plan_id):
    plan, access = _load(request, plan_id)
    return render(
        request,
        "coordination/threads.html",
        {"plan": plan, "access": access, "threads": threads_for(plan, request.user)[:100]},
    )


@require_http_methods(["GET", "POST"])
def thread_create(request, plan_id):
    plan, access = _load(request, plan_id)
    if not access.can_write(S):
        raise PermissionDenied(_("Du kan lese meldingene, men ikke skrive."))
    form = ThreadForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            thread = thread_start(plan=plan, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            flash.success(request, _("Meldingen er sendt."))
            return redirect("coordination:thread", plan.pk, thread.pk)
    return render(
        request,
        "coordination/thread_form.html",
        {"plan": plan, "form": form},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def thread_detail(request, plan_id, thread_id):
    thread, access = thread_and_access_or_404(request.user, plan_id, thread_id)
    plan = access.plan
    log_read(request, access, OVERVIEW, S)
    form = ReplyForm(posted(request))
    if request.method == "POST":
        if not access.can_write(S):
            raise PermissionDenied(_("Du kan lese meldingene, men ikke skrive."))
        if form.is_valid():
            message_post(thread=thread, body=form.cleaned_data["body"], acting_user=request.user)
            flash.success(request, _("Svaret er sendt."))
            return redirect("coordination:thread", plan.pk, thread.pk)
    else:
        thread_mark_read(thread=thread, user=request.user)
    log_read(request, access, S, target=thread)
    return render(
        request,
        "coordination/thread.html",
        {
            "plan": plan,
            "access": access,
            "thread": thread,
            "form": form,
            "messages_list": thread.messages.select_related("author"),
        },
        status=status_for(form),
    )
