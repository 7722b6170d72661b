from __future__ import annotations

from http import HTTPStatus

from allauth.account.decorators import reauthentication_required
from allauth.account.views import LoginView as AllauthLoginView
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.contact import (
    contact_details_update,
    email_change_confirm,
    email_change_in_link,
)
from accounts.contact_registry import entry_of, notification_address
from accounts.forms import ActivateAccountForm, ContactDetailsForm, SetupCodeExceptionForm
from accounts.login_flow import login_through_stages
from accounts.models import OutboxMessage
from accounts.representations import representations_by, representations_of
from accounts.roles import user_has_mfa, user_requires_mfa, user_roles
from accounts.selectors import person_for_setup_code_exception
from accounts.services import (
    SETUP_CODE_ADULT_NEEDS_EXCEPTION,
    setup_code_exception_approve,
    setup_code_redeem,
    setup_code_refusal,
)
from ipplan import krr
from ipplan.forms import posted, status_for


def mfa_required(request):
    """Explains why a staff member must set up a second factor, and links to the set-up."""
    if not user_requires_mfa(request.user) or user_has_mfa(request.user):
        return redirect("home")
    return render(request, "accounts/mfa_required.html")


def profile(request):
    user = request.user
    context = {
        "memberships": user.memberships.filter(is_active=True).select_related(
            "municipality", "organisation"
        ),
        # Who acts for me, on what basis, since when; and whom I act for, with the others
        # who act for them (the other parent sees the registration too).
        "representatives": representations_of(user),
        "represented": representations_by(user),
        "is_staff_member": user_roles(user).is_staff_member,
        "has_mfa": user_has_mfa(user),
        # What KRR last said, and where notifications go because of it.
        "krr_entry": entry_of(user) if krr.enabled() else None,
        "notify_email": notification_address(user, OutboxMessage.Channel.EMAIL),
    }
    return render(request, "accounts/profile.html", context)


@reauthentication_required
@require_http_methods(["GET", "POST"])
def contact_details(request):
    user = request.user
    initial = {"email": user.email, "phone": user.phone, "uses_own_email": user.uses_own_email}
    form = ContactDetailsForm(posted(request), initial=initial, krr_enabled=krr.enabled())
    if request.method == "POST" and form.is_valid():
        change = contact_details_update(user=user, **form.cleaned_data)
        if change.email_pending:
            messages.info(
                request,
                _(
                    "Vi har sendt en lenke til %(email)s. E-postadressen blir endret når du "
                    "åpner lenken (innen ett døgn). Til da går varsler til den gamle adressen."
                )
                % {"email": change.email_pending},
            )
        else:
            messages.success(request, _("Kontaktinformasjonen er lagret."))
        return redirect("accounts:profile")
    return render(request, "accounts/contact_form.html", {"form": form}, status=status_for(form))


@require_http_methods(["GET", "POST"])
def contact_email_confirm(request, token: str):
    """The link sent to a new e-mail address: shown, then confirmed with a button (a mail
    scanner that opens links changes nothing). Someone else's link is 404."""
    user = request.user
    try:
        email = email_change_in_link(user=user, token=token)
        if request.method == "POST":
            email_change_confirm(user=user, token=token, request=request)
            messages.success(
                request, _("E-postadressen er endret til %(email)s.") % {"email": email}
            )
            return redirect("accounts:profile")
    except LookupError as error:
        raise Http404 from error
    except ValidationError as error:
        context = {"error": error.messages[0], "email": ""}
        return render(request, "accounts/contact_email_confirm.html", context, status=400)
    return render(request, "accounts/contact_email_confirm.html", {"email": email})


@login_not_required
@require_http_methods(["GET", "POST"])
def activate(request):
    """A child (or anyone the coordinator gave a one-time code) chooses a password; a second
    factor is set up next."""
    # The link in a new staff member's e-mail carries the username and the code.
    initial = {"username": request.GET.get("brukernavn", ""), "code": request.GET.get("kode", "")}
    form = ActivateAccountForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = setup_code_redeem(
                username=data["username"],
                code=data["code"],
                password=data["password1"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Passordet er lagret. Sett opp totrinnsinnlogging nå."))
            return login_through_stages(
                request, user, method="setup_code", redirect_url=reverse("accounts:mfa_required")
            )
    return render(
        request, "accounts/activate.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def setup_code_exception(request, person_id):
    """A case handler in the coordinating unit approves, with a reason, that the coordinator
    may give an adult who cannot use ID-porten a one-time set-up code."""
    person = person_for_setup_code_exception(user=request.user, person_id=person_id)
    refusal = setup_code_refusal(user=person)
    form = SetupCodeExceptionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            setup_code_exception_approve(
                person=person,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Unntaket er godkjent. Koordinatoren kan nå lage koden."))
            return redirect("home")
    context = {
        "person": person,
        "form": form,
        "refusal": None if refusal == SETUP_CODE_ADULT_NEEDS_EXCEPTION else refusal,
    }
    return render(request, "accounts/setup_code_exception.html", context, status=status_for(form))


class LoginView(AllauthLoginView):
    """allauth's login page; a refused attempt past the failed-login limit answers 429."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        codes = {error.code for error in form.non_field_errors().as_data()}
        if "too_many_login_attempts" in codes:
            response.status_code = HTTPStatus.TOO_MANY_REQUESTS
        return response


login = login_not_required(LoginView.as_view())
