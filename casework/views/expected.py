"""A child the parents expect: the parent's application for a barnekoordinator, and linking
the child's record to the identity number after the birth."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from accounts.models import Municipality, StaffMembership, User
from casework.case_reads import case_log_read
from casework.forms import ExpectedChildApplicationForm, ExpectedChildLinkForm
from casework.loaders import expected_child_and_case_or_404
from casework.models import Case
from casework.services.expected import expected_child_apply, expected_child_link
from consent.policy import holds_role
from ipplan.forms import posted, status_for
from ipplan.ratelimit import RATE_LIMITED, RateLimited
from plans.models import Family


@require_http_methods(["GET", "POST"])
def apply_expected_view(request):
    form = ExpectedChildApplicationForm(
        posted(request),
        municipalities=Municipality.objects.all(),
        initial={"municipality": request.user.home_municipality_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = expected_child_apply(
                parent=request.user, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add(form, error)
        except RateLimited:
            form.add_error(None, RATE_LIMITED)
        else:
            messages.success(request, _("Søknaden er sendt. Saksnummeret er %s.") % case.number)
            return redirect("casework:my_case", case.pk)
    return render(request, "casework/apply_expected.html", {"form": form}, status=status_for(form))


def _add(form, error: ValidationError) -> None:
    """A service's error, under its field where the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET", "POST"])
def expected_link_view(request, child_id):
    child, case = expected_child_and_case_or_404(request.user, child_id)
    case_log_read(request, case, gettext_noop("Saken"))
    form = ExpectedChildLinkForm(
        posted(request), initial={"first_name": "", "last_name": child.last_name}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = expected_child_link(
                child=child,
                national_id_value=data["national_id"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                document_reference=data["document_reference"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _add(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Barnet er koblet til fødselsnummeret."))
            return redirect(_after_link(request.user, case, target))
    return render(
        request,
        "casework/expected_link.html",
        {"form": form, "child": child, "case": case},
        status=status_for(form),
    )


def _after_link(user, case: Case, child: User) -> str:
    if holds_role(user, StaffMembership.Role.CASE_HANDLER, case.municipality_id):
        return reverse("casework:case", args=[case.pk])
    family = Family.objects.filter(child=child, coordinator=user).order_by("-pk").first()
    return reverse("coordination:family", args=[family.pk]) if family else reverse("home")
