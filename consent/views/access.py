"""Who sees what: the owner's side decides access per participant and section, the
coordinator proposes (or registers a decision signed on paper)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consent.forms import AccessForm, ExtendForm, PaperAccessForm
from consent.reads import log_read
from consent.selectors import access_overview, participant_access
from consent.services.grants import (
    grants_confirm,
    grants_decide,
    grants_extend,
    grants_for_participant,
    grants_propose,
    grants_revoke,
)
from consent.views.common import forbid_unless, load_plan
from ipplan.forms import posted, posted_files, status_for
from plans.models import Participant
from plans.sections import Section


def access_page(request, plan_id):
    plan, access = load_plan(request, plan_id)
    forbid_unless(access.is_owner_side or access.is_coordinator)
    log_read(request, access, Section.PARTICIPANTS)
    return render(
        request,
        "consent/access.html",
        {
            "plan": plan,
            "access": access,
            "rows": access_overview(plan),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def access_edit(request, plan_id, participant_id):
    plan, access = load_plan(request, plan_id)
    forbid_unless(access.can_manage_access or access.can_propose_access)
    participant = get_object_or_404(Participant, pk=participant_id, plan=plan, is_active=True)
    log_read(request, access, Section.PARTICIPANTS, target=participant)
    on_paper = access.can_propose_access and request.GET.get("papir") == "1"
    current = {
        section: ("write" if grant.can_write else "read")
        for section, grant in grants_for_participant(participant).items()
    }
    form_class = PaperAccessForm if on_paper else AccessForm
    form = form_class(
        posted(request),
        posted_files(request),
        current=current,
        sections=plan.kind_info.sections,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if access.can_manage_access or on_paper:
                grants_decide(
                    plan=plan,
                    participant=participant,
                    levels=form.levels(),
                    ends_on=data["ends_on"],
                    acting_user=request.user,
                    paper_form=data.get("signed_form"),
                    signed_by_name=data.get("signed_by_name", ""),
                    signed_by_role=data.get("signed_by_role", "owner"),
                )
                messages.success(request, _("Tilgangen er lagret."))
            else:
                grants_propose(
                    plan=plan,
                    participant=participant,
                    levels=form.levels(),
                    ends_on=data["ends_on"],
                    acting_user=request.user,
                )
                messages.success(request, _("Forslaget er sendt til planeier."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("consent:access", plan.pk)
    return render(
        request,
        "consent/access_form.html",
        {
            "plan": plan,
            "access": access,
            "participant": participant,
            "form": form,
            "on_paper": on_paper,
        },
        status=status_for(form),
    )


def _managed_participant(request, plan_id, participant_id):
    """The plan and an active participant in it (404 otherwise), for whoever decides access."""
    plan, access = load_plan(request, plan_id)
    participant = get_object_or_404(Participant, pk=participant_id, plan=plan, is_active=True)
    forbid_unless(access.can_manage_access)
    return plan, participant


@require_POST
def access_answer(request, plan_id, participant_id):
    plan, participant = _managed_participant(request, plan_id, participant_id)
    accept = request.POST.get("answer") == "accept"
    try:
        grants_confirm(plan=plan, participant=participant, accept=accept, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Tilgangen er gitt.") if accept else _("Forslaget er avslått."))
    return redirect("consent:access", plan.pk)


@require_http_methods(["GET", "POST"])
def access_revoke(request, plan_id, participant_id):
    """Ask first: say which sections the participant loses, that it is at once, and let the
    owner's side keep or decline a pending proposal. Only the POST changes anything."""
    plan, participant = _managed_participant(request, plan_id, participant_id)
    row = participant_access(participant)
    error, status = "", 200
    if request.method == "POST":
        choice = request.POST.get("proposal", "")
        if row.proposed and choice not in ("keep", "decline"):
            error, status = _("Velg om forslaget skal beholdes eller avslås."), 400
        else:
            grants_revoke(
                plan=plan,
                participant=participant,
                acting_user=request.user,
                keep_proposal=choice == "keep",
            )
            messages.success(request, _("Deltakeren har ikke lenger tilgang til planen."))
            return redirect("consent:access", plan.pk)
    return render(
        request,
        "consent/access_revoke.html",
        {"plan": plan, "participant": participant, "row": row, "error": error},
        status=status,
    )


@require_POST
def access_extend(request, plan_id, participant_id):
    plan, participant = _managed_participant(request, plan_id, participant_id)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            grants_extend(
                plan=plan,
                participant=participant,
                acting_user=request.user,
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Tilgangen er forlenget."))
    else:
        messages.error(request, _("Velg en gyldig dato."))
    return redirect("consent:access", plan.pk)
