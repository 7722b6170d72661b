"""Getting people in: invitations by e-mail, and a one-time code for an owner without
ID-porten or e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.login_flow import login_through_stages
from accounts.services import (
    SETUP_CODE_ADULT_NEEDS_EXCEPTION,
    local_account_create,
    setup_code_create,
    setup_code_refusal,
)
from consent.forms import InvitationForm, SignupFromInvitationForm
from consent.services.invitations import invitation_accept, invitation_for_token, invitation_send
from consent.views.common import forbid_unless, load_plan
from ipplan.forms import posted, status_for
from plans.models import Participant


@require_http_methods(["GET", "POST"])
def invite(request, plan_id, participant_id):
    plan, access = load_plan(request, plan_id)
    forbid_unless(access.can_manage_plan)
    participant = get_object_or_404(Participant, pk=participant_id, plan=plan, is_active=True)
    form = InvitationForm(posted(request), initial={"email": participant.email})
    if request.method == "POST" and form.is_valid():
        invitation_send(
            plan=plan,
            participant=participant,
            email=form.cleaned_data["email"],
            acting_user=request.user,
        )
        messages.success(request, _("Invitasjonen er sendt."))
        return redirect("consent:access", plan.pk)
    return render(
        request,
        "consent/invite.html",
        {"plan": plan, "participant": participant, "form": form},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def owner_account(request, plan_id):
    """The coordinator gives a child (or anyone without ID-porten or e-mail) a one-time code,
    in person, to set up a login with a password and a second factor."""
    plan, access = load_plan(request, plan_id)
    forbid_unless(access.can_manage_plan)
    code = error = None
    if request.method == "POST":
        try:
            code = setup_code_create(user=plan.owner, acting_user=request.user, request=request)
        except ValidationError as refused:
            error = " ".join(refused.messages)
    refusal = setup_code_refusal(user=plan.owner) if code is None else None
    context = {
        "plan": plan,
        "code": code,
        "refusal": refusal or error,
        "needs_exception": refusal == SETUP_CODE_ADULT_NEEDS_EXCEPTION,
    }
    return render(request, "consent/owner_account.html", context, status=400 if error else 200)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "consent/invitation_invalid.html", status=404)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("home")
        messages.success(request, _("Du er nå med i planen. Planeier bestemmer hva du får se."))
        return redirect("home")
    return render(request, "consent/invitation.html", {"invitation": invitation, "token": token})


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_signup(request, token):
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "consent/invitation_invalid.html", status=404)
    form = SignupFromInvitationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = local_account_create(
                username=data["username"],
                email=invitation.email,
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
            )
            invitation_accept(token=token, user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Brukeren er opprettet. Sett opp totrinnsinnlogging for å fortsette.")
            )
            return login_through_stages(
                request, user, method="invitation", redirect_url=reverse("accounts:mfa_required")
            )
    return render(
        request,
        "consent/invitation_signup.html",
        {"invitation": invitation, "form": form},
        status=status_for(form),
    )
