"""Consent, access and the access log: the owner decides, the coordinator proposes."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.login_flow import login_through_stages
from accounts.services import (
    SETUP_CODE_ADULT_NEEDS_EXCEPTION,
    local_account_create,
    setup_code_create,
    setup_code_refusal,
)
from consent.forms import (
    AccessForm,
    ExtendForm,
    GiveConsentForm,
    InvitationForm,
    LogFilterForm,
    PaperAccessForm,
    PaperConsentForm,
    SignupFromInvitationForm,
)
from consent.policy import child_view_applies, plan_and_access_or_404
from consent.reads import log_read
from consent.selectors import (
    LogFilter,
    access_log_for_owner,
    access_overview,
    active_plan_consent,
    consents_for,
    people_in_log,
    visits_page,
)
from consent.services import (
    PLAN_CONSENT_TEXT,
    grants_confirm,
    grants_decide,
    grants_extend,
    grants_for_participant,
    grants_propose,
    grants_revoke,
    invitation_accept,
    invitation_for_token,
    invitation_send,
    plan_consent_give,
    plan_consent_record_paper,
)
from ipplan.forms import id_or_none, posted, posted_files, status_for
from plans.models import Participant
from plans.sections import OVERVIEW, Section
from plans.services.lifecycle import plan_consent_withdraw

LOG_PAGE_SIZE = 100  # entries per page, grouped into visits


def _load(request, plan_id):
    """The plan and access, or 404; every page here shows the plan's overview (declared as a
    read, written as one access-log entry if the response succeeds)."""
    plan, access = plan_and_access_or_404(request.user, plan_id)
    log_read(request, access, OVERVIEW)
    return plan, access


def _forbid_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(
            _(
                "Dette kan bare planeier, eller den som samtykker for planeier, "
                "eller koordinatoren gjøre."
            )
        )


def consent_overview(request, plan_id):
    plan, access = _load(request, plan_id)
    _forbid_unless(access.is_owner_side or access.is_coordinator)
    return render(
        request,
        "consent/overview.html",
        {
            "plan": plan,
            "access": access,
            "consent": active_plan_consent(plan),
            "consents": consents_for(plan),
            "consent_text": PLAN_CONSENT_TEXT,
        },
    )


@require_http_methods(["GET", "POST"])
def consent_give(request, plan_id):
    plan, access = _load(request, plan_id)
    _forbid_unless(access.can_manage_access)
    form = GiveConsentForm(
        posted(request), child_view_applies=child_view_applies(plan, timezone.localdate())
    )
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
        {"plan": plan, "form": form, "consent_text": PLAN_CONSENT_TEXT},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def consent_record_paper(request, plan_id):
    plan, access = _load(request, plan_id)
    _forbid_unless(access.can_manage_plan)
    form = PaperConsentForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan_consent_record_paper(plan=plan, acting_user=request.user, **form.cleaned_data)
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
    plan, access = _load(request, plan_id)
    _forbid_unless(access.can_manage_access)
    if request.method == "POST":
        try:
            plan_consent_withdraw(plan=plan, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Samtykket er trukket tilbake, og planen er avsluttet."))
        return redirect("plans:detail", plan.pk)
    return render(request, "consent/withdraw.html", {"plan": plan})


def access_page(request, plan_id):
    plan, access = _load(request, plan_id)
    _forbid_unless(access.is_owner_side or access.is_coordinator)
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
    plan, access = _load(request, plan_id)
    _forbid_unless(access.can_manage_access or access.can_propose_access)
    participant = get_object_or_404(Participant, pk=participant_id, plan=plan, is_active=True)
    log_read(request, access, Section.PARTICIPANTS, target=participant)
    on_paper = access.can_propose_access and request.GET.get("papir") == "1"
    current = {
        section: ("write" if grant.can_write else "read")
        for section, grant in grants_for_participant(participant).items()
    }
    form_class = PaperAccessForm if on_paper else AccessForm
    form = form_class(posted(request), posted_files(request), current=current)
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


def _post_only(request, plan_id, participant_id, allowed):
    """Access first (404 for outsiders), then the method."""
    plan, access = _load(request, plan_id)
    participant = get_object_or_404(Participant, pk=participant_id, plan=plan, is_active=True)
    if request.method != "POST":
        return plan, access, participant, HttpResponseNotAllowed(["POST"])
    _forbid_unless(allowed(access))
    return plan, access, participant, None


def access_answer(request, plan_id, participant_id):
    plan, _access, participant, refused = _post_only(
        request, plan_id, participant_id, lambda a: a.can_manage_access
    )
    if refused:
        return refused
    accept = request.POST.get("answer") == "accept"
    try:
        grants_confirm(plan=plan, participant=participant, accept=accept, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Tilgangen er gitt.") if accept else _("Forslaget er avslått."))
    return redirect("consent:access", plan.pk)


def access_revoke(request, plan_id, participant_id):
    plan, _access, participant, refused = _post_only(
        request, plan_id, participant_id, lambda a: a.can_manage_access
    )
    if refused:
        return refused
    grants_revoke(plan=plan, participant=participant, acting_user=request.user)
    messages.success(request, _("Deltakeren har ikke lenger tilgang til planen."))
    return redirect("consent:access", plan.pk)


def access_extend(request, plan_id, participant_id):
    plan, _access, participant, refused = _post_only(
        request, plan_id, participant_id, lambda a: a.can_manage_access
    )
    if refused:
        return refused
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


def access_log(request, plan_id):
    # The owner's side reading who read: not itself a read of the plan's contents.
    plan, access = plan_and_access_or_404(request.user, plan_id)
    _forbid_unless(access.can_read_access_log)
    people = list(people_in_log(plan))
    form = LogFilterForm(request.GET or None, people=people)
    log_filter = LogFilter()
    if form.is_valid():
        data = form.cleaned_data
        log_filter = LogFilter(
            actor_id=data["person"],
            section=data["section"] or None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            hide_own=not data["include_own"],
        )
    cursor = _cursor(request.GET.get("etter"))
    visits, has_more = visits_page(
        access_log_for_owner(plan, request.user, log_filter), cursor, LOG_PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("etter", None)
    return render(
        request,
        "consent/log.html",
        {
            "plan": plan,
            "form": form,
            "visits": visits,
            "entries": [entry for visit in visits for entry in visit.entries],
            "has_more": has_more,
            "next_cursor": _cursor_for(visits[-1].first) if has_more else "",
            "query": query.urlencode(),
            "first_page": cursor is None,
        },
        status=status_for(form),
    )


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


def _cursor_for(entry) -> str:
    """Exact (microseconds since 1970, id) of the last row shown: where the next page starts."""
    return f"{(entry.at - EPOCH) // MICROSECOND}_{entry.pk}"


def _cursor(raw: str | None):
    stamp, _sep, pk = (raw or "").partition("_")
    pk = id_or_none(pk)
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 20) or pk is None:
        return None
    try:
        return EPOCH + int(stamp) * MICROSECOND, pk
    except OverflowError:
        return None


@require_http_methods(["GET", "POST"])
def invite(request, plan_id, participant_id):
    plan, access = _load(request, plan_id)
    _forbid_unless(access.can_manage_plan)
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
    plan, access = _load(request, plan_id)
    _forbid_unless(access.can_manage_plan)
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
