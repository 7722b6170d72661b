"""The person's side of casework: applying (for oneself or someone one acts for), referrals
from professionals, "my cases" and the letters in the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Municipality, User
from accounts.services import person_find_or_register
from casework.case_reads import case_log_read
from casework.forms import ApplicationForm, ReferralForm, requested
from casework.loaders import case_and_access_or_404, letter_and_access_or_404
from casework.models import Case
from casework.selectors import cases_for_person_side, interim_due_ids, letters_for
from casework.services.cases import case_submit
from casework.services.letters import letter_open, letter_read
from consent.policy import people_user_acts_for
from ipplan.forms import posted, status_for


def _people_i_act_for(user):
    return User.objects.filter(pk__in=people_user_acts_for(user)).order_by("pk")


@require_http_methods(["GET", "POST"])
def apply_view(request):
    people = list(_people_i_act_for(request.user))
    form = ApplicationForm(
        posted(request),
        people=people,
        municipalities=Municipality.objects.all(),
        initial={"person": request.user.pk, "municipality": request.user.home_municipality_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next(p for p in people if p.pk == data["person"])
        try:
            case = case_submit(
                person=person,
                municipality=data["municipality"],
                kind=Case.Kind.APPLICATION,
                acting_user=request.user,
                **requested(data),
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if hasattr(error, "messages") else str(error))
        else:
            messages.success(request, _("Søknaden er sendt. Saksnummeret er %s.") % case.number)
            return redirect("casework:my_case", case.pk)
    return render(request, "casework/apply.html", {"form": form}, status=status_for(form))


@require_http_methods(["GET", "POST"])
def referral_view(request):
    form = ReferralForm(posted(request), municipalities=Municipality.objects.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_find_or_register(
                national_id=data["national_id"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                municipality=data["municipality"],
                acting_user=request.user,
            )
            case_submit(
                person=person,
                municipality=data["municipality"],
                kind=Case.Kind.REFERRAL,
                submitter_role=data["relation"],
                acting_user=request.user,
                **requested(data),
                consent_note=data["consent_note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return render(request, "casework/referral_sent.html")
    return render(request, "casework/referral.html", {"form": form}, status=status_for(form))


def my_cases(request):
    cases = cases_for_person_side(user=request.user)
    return render(
        request,
        "casework/my_cases.html",
        {"cases": cases[:100], "letters": letters_for(user=request.user)[:100]},
    )


def my_case(request, case_id):
    case, access = case_and_access_or_404(request.user, case_id)
    if access.can_handle:
        return redirect("casework:case", case.pk)
    return render(
        request,
        "casework/my_case.html",
        {
            "case": case,
            "letters": case.letters.all(),
            "decisions": case.decisions.select_related("letter", "complaint_rule"),
            "today": timezone.localdate(),
            "interim_owed": bool(interim_due_ids([case.pk])),
            "complaints": case.complaints.select_related("decision"),
            "log": case.access_log.select_related("actor")[:50],
        },
    )


def letter_view(request, letter_id):
    letter, access = letter_and_access_or_404(request.user, letter_id)
    letter_read(letter=letter, user=request.user, access=access)
    if access.can_handle:
        # The coordinating unit's readings are logged for the person; theirs mark it read.
        case_log_read(request, letter.case, letter.title)
    name = f"{letter.get_kind_display()} {letter.case.number.replace('/', '-')}.pdf"
    return FileResponse(
        letter_open(letter), as_attachment=True, filename=name, content_type="application/pdf"
    )
