"""Consent to the plan: shown, given in ipplan, registered from paper, withdrawn."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consent.coming_of_age import care_caseworkers, care_ends_on
from consent.forms import AccessForm, GiveConsentForm, PaperConsentForm
from consent.policy import child_hearing
from consent.selectors import (
    active_plan_consent,
    consents_for,
    ip_consent_state,
    may_consent_to_ip,
    parents_yet_to_consent,
    pending_plan_consent,
)
from consent.services.aftercare import aftercare_access_give
from consent.services.consents import (
    PLAN_CONSENT_TEXT,
    plan_consent_give,
    plan_consent_record_paper,
    plan_consent_to_ip,
)
from consent.views.common import forbid_unless, load_plan
from ipplan.forms import posted, posted_files, status_for
from plans.services.lifecycle import plan_consent_withdraw


def consent_overview(request, plan_id):
    plan, access = load_plan(request, plan_id)
    forbid_unless(access.is_owner_side or access.is_coordinator)
    pending = pending_plan_consent(plan)
    relay_ip = None
    if plan.kind == plan.Kind.RELAY_LOG and not plan.is_closed:
        state = ip_consent_state(plan)
        relay_ip = {"state": state, "may_consent": may_consent_to_ip(plan, request.user, state)}
    return render(
        request,
        "consent/overview.html",
        {
            "plan": plan,
            "access": access,
            "consent": active_plan_consent(plan),
            "pending": pending,
            "waiting_for": parents_yet_to_consent(plan, pending),
            "consents": consents_for(plan),
            "consent_text": plan.kind_info.consent_text,
            "ip_consent_text": PLAN_CONSENT_TEXT,
            "relay_ip": relay_ip,
        },
    )


@require_http_methods(["GET", "POST"])
def consent_give(request, plan_id):
    plan, access = load_plan(request, plan_id)
    forbid_unless(access.can_manage_access)
    pending = pending_plan_consent(plan)
    # The child was heard when the first parent consented; the other sees what was written.
    hearing = None if pending else child_hearing(plan, timezone.localdate())
    form = GiveConsentForm(posted(request), hearing=hearing)
    if request.method == "POST" and form.is_valid():
        try:
            plan_consent_give(
                plan=plan,
                acting_user=request.user,
                child_view=form.cleaned_data.get("child_view", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Takk. Samtykket er registrert."))
            return redirect("consent:overview", plan.pk)
    return render(
        request,
        "consent/give.html",
        {
            "plan": plan,
            "form": form,
            "consent_text": plan.kind_info.consent_text,
            "hearing": hearing,
            "pending": pending,
        },
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def consent_record_paper(request, plan_id):
    plan, access = load_plan(request, plan_id)
    forbid_unless(access.can_manage_plan)
    form = PaperConsentForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "signed_by_all"}
            plan_consent_record_paper(plan=plan, acting_user=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Det signerte samtykket er registrert."))
            return redirect("consent:overview", plan.pk)
    return render(
        request, "consent/paper.html", {"plan": plan, "form": form}, status=status_for(form)
    )


@require_http_methods(["GET", "POST"])
def consent_withdraw(request, plan_id):
    plan, access = load_plan(request, plan_id)
    forbid_unless(access.can_manage_access)
    if request.method == "POST":
        try:
            plan_consent_withdraw(plan=plan, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Samtykket er trukket tilbake, og planen er avsluttet."))
        return redirect("plans:detail", plan.pk)
    return render(request, "consent/withdraw.html", {"plan": plan})


@require_POST
def consent_to_ip(request, plan_id):
    """On a coordinator's record: "I want an individual plan", which turns it into one. On a
    relay log: consent (or co-sign the other parent's consent) to an individual plan, after
    which the holder can continue the relay log as one."""
    plan, access = load_plan(request, plan_id)
    relay_log = plan.kind == plan.Kind.RELAY_LOG
    # On a relay log the rules for an individual plan decide who consents (the service checks).
    forbid_unless(access.can_manage_access or (relay_log and access.is_owner_side))
    try:
        plan = plan_consent_to_ip(plan=plan, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("consent:overview", plan.pk)
    if relay_log:
        if ip_consent_state(plan).complete:
            messages.success(
                request,
                _(
                    "Takk. Samtykket til individuell plan er registrert. Stafettholderen kan nå "
                    "fortsette stafettloggen som individuell plan."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "Takk. Samtykket er registrert. Det gjelder når den andre forelderen også har "
                    "samtykket."
                ),
            )
        return redirect("consent:overview", plan.pk)
    messages.success(
        request, _("Takk. Koordineringen er nå en individuell plan, med alt den hadde.")
    )
    return redirect("plans:detail", plan.pk)


@require_http_methods(["GET", "POST"])
def consent_aftercare(request, plan_id):
    """The young person decides whether the child welfare service that had their care keeps
    access after 18, and gives their own consent to it (the legal reference "aftercare")."""
    plan, access = load_plan(request, plan_id)
    care = care_caseworkers(plan)
    forbid_unless(plan.owner_id == request.user.pk and access.can_manage_access and bool(care))
    form = AccessForm(posted(request), sections=plan.kind_info.sections)
    if request.method == "POST" and form.is_valid():
        try:
            aftercare_access_give(
                plan=plan,
                acting_user=request.user,
                levels=form.levels(),
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Valget ditt er lagret."))
            return redirect("plans:detail", plan.pk)
    context = {
        "plan": plan,
        "form": form,
        "service": care[0].representative,
        "care_ends": care_ends_on(plan.owner.birth_date),
        "care_ended": care_ends_on(plan.owner.birth_date) <= timezone.localdate(),
    }
    return render(request, "consent/aftercare.html", context, status=status_for(form))
