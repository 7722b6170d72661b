from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import ActivateAccountForm
from accounts.representations import representations_by, representations_of
from accounts.roles import user_has_mfa, user_requires_mfa, user_roles
from accounts.services import setup_code_redeem
from ipplan.forms import posted


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
    }
    return render(request, "accounts/profile.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def activate(request):
    """A child (or anyone the coordinator gave a one-time code) chooses a password; a second
    factor is set up next."""
    form = ActivateAccountForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = setup_code_redeem(
                username=data["username"], code=data["code"], password=data["password1"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Passordet er lagret. Sett opp totrinnsinnlogging nå."))
            return redirect("accounts:mfa_required")
    return render(
        request, "accounts/activate.html", {"form": form}, status=400 if form.errors else 200
    )
