"""Complaints: filed by the person (or registered from paper), reviewed by the first
instance, forwarded to Statsforvalteren."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import StaffMembership
from casework.case_reads import case_log_read
from casework.loaders import case_and_access_or_404
from casework.models import ComplaintRule
from complaints.forms import (
    ComplaintForm,
    ForwardForm,
    OutcomeForm,
    PaperComplaintForm,
    RejectForm,
    ReverseForm,
    WithdrawForm,
)
from complaints.loaders import complaint_and_access_or_404
from complaints.models import Complaint
from complaints.selectors import case_file_plan_export, complaints_for_handler
from complaints.services import (
    case_file_open,
    complaint_file,
    complaint_forward,
    complaint_record_outcome,
    complaint_reject,
    complaint_reverse,
    complaint_start_review,
    complaint_withdraw,
)
from consent.models import AccessLogEntry
from consent.policy import PlanAccess, holds_role
from consent.reads import log_read
from ipplan.forms import posted, posted_files, status_for


def _complaint(request, complaint_id) -> Complaint:
    complaint, _access = complaint_and_access_or_404(request.user, complaint_id)
    return complaint


@require_http_methods(["GET", "POST"])
def file_complaint(request, case_id):
    """The person, or whoever acts for them, complains in ipplan."""
    case, access = case_and_access_or_404(request.user, case_id)
    paper = access.can_handle
    form_class = PaperComplaintForm if paper else ComplaintForm
    decisions = list(case.decisions.all())
    form = form_class(posted(request), posted_files(request), decisions=decisions)
    if paper:
        # The case handler registering a paper complaint sees the case's decisions.
        case_log_read(request, case, gettext_noop("Klage"), gettext_noop("Vedtak"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision = next((d for d in decisions if d.pk == data["decision"]), None)
        try:
            complaint = complaint_file(
                case=case,
                decision=decision,
                ground=data["ground"],
                text=data["text"],
                acting_user=request.user,
                by_representative=data["by_representative"],
                representative_is_lawyer=data["representative_is_lawyer"],
                power_of_attorney=data["power_of_attorney"],
                channel=Complaint.Channel.PAPER if paper else Complaint.Channel.APP,
                received_on=data.get("received_on"),
                filed_by_name=data.get("filed_by_name", ""),
                scanned_form=data.get("scanned_form"),
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, getattr(error, "messages", None) or str(error))
        else:
            if complaint.is_late:
                messages.warning(
                    request,
                    _("Klagen kom etter fristen. Den blir likevel vurdert, og kan bli behandlet."),
                )
            messages.success(request, _("Klagen er mottatt."))
            if paper:
                return redirect("complaints:detail", complaint.pk)
            return redirect("casework:my_case", case.pk)
    return render(
        request,
        "complaints/file.html",
        {"case": case, "form": form, "paper": paper},
        status=status_for(form),
    )


def complaint_list(request):
    if not holds_role(request.user, StaffMembership.Role.CASE_HANDLER):
        raise Http404
    page = Paginator(complaints_for_handler(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "complaints/list.html", {"page_obj": page})


def _detail_context(complaint: Complaint) -> dict:
    return {
        "complaint": complaint,
        "case": complaint.case,
        "reverse_form": ReverseForm(case=complaint.case, rules=ComplaintRule.objects.all()),
        "reject_form": RejectForm(),
        "forward_form": ForwardForm(),
        "outcome_form": OutcomeForm(),
        "withdraw_form": WithdrawForm(),
    }


def complaint_detail(request, complaint_id):
    complaint = _complaint(request, complaint_id)
    # The page shows the complaint and the decision it is about.
    case_log_read(request, complaint.case, gettext_noop("Klage"), gettext_noop("Vedtak"))
    return render(request, "complaints/detail.html", _detail_context(complaint))


def _render_detail_with(request, complaint, form_name, form):
    context = _detail_context(complaint) | {form_name: form}
    return render(request, "complaints/detail.html", context, status=400)


def _act(request, complaint_id, form_class, form_name, action, success, form_kwargs=None):
    """Validate one of the detail page's forms and take the action; errors re-render the page
    with that form and change nothing."""
    complaint = _complaint(request, complaint_id)
    form = form_class(request.POST, **(form_kwargs(complaint) if form_kwargs else {}))
    if form.is_valid():
        try:
            action(complaint, form.cleaned_data)
        except ValidationError as error:
            if error.code == "illegal":
                # Someone else moved the complaint on (or an old page was submitted): show the
                # complaint as it is now, with the reason.
                messages.error(request, " ".join(error.messages))
                return redirect("complaints:detail", complaint.pk)
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("complaints:detail", complaint.pk)
    return _render_detail_with(request, complaint, form_name, form)


@require_POST
def start_review(request, complaint_id):
    complaint = _complaint(request, complaint_id)
    try:
        complaint_start_review(complaint=complaint, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("complaints:detail", complaint.pk)


@require_POST
def reverse(request, complaint_id):
    return _act(
        request,
        complaint_id,
        ReverseForm,
        "reverse_form",
        lambda c, d: complaint_reverse(complaint=c, acting_user=request.user, **d),
        _("Nytt vedtak er fattet og sendt."),
        form_kwargs=lambda c: {"case": c.case, "rules": ComplaintRule.objects.all()},
    )


@require_POST
def reject(request, complaint_id):
    return _act(
        request,
        complaint_id,
        RejectForm,
        "reject_form",
        lambda c, d: complaint_reject(complaint=c, reason=d["reason"], acting_user=request.user),
        _("Klagen er avvist, og brevet er sendt."),
    )


@require_POST
def forward(request, complaint_id):
    return _act(
        request,
        complaint_id,
        ForwardForm,
        "forward_form",
        lambda c, d: complaint_forward(
            complaint=c, assessment=d["assessment"], acting_user=request.user
        ),
        _("Klagen er sendt til Statsforvalteren."),
    )


@require_POST
def record_outcome(request, complaint_id):
    return _act(
        request,
        complaint_id,
        OutcomeForm,
        "outcome_form",
        lambda c, d: complaint_record_outcome(complaint=c, acting_user=request.user, **d),
        _("Statsforvalterens avgjørelse er registrert."),
    )


@require_POST
def withdraw(request, complaint_id):
    return _act(
        request,
        complaint_id,
        WithdrawForm,
        "withdraw_form",
        lambda c, d: complaint_withdraw(complaint=c, note=d["note"], acting_user=request.user),
        _("Klagen er registrert som trukket."),
    )


def case_file(request, complaint_id):
    complaint = _complaint(request, complaint_id)
    if not complaint.case_file:
        raise Http404
    case_log_read(request, complaint.case, gettext_noop("Saksdokumenter til Statsforvalteren"))
    made = case_file_plan_export(complaint=complaint)
    if made is not None:  # the file holds the plan: its owner reads that it was opened
        role = AccessLogEntry.ActorRole.CASE_HANDLER
        access = PlanAccess(plan=made.plan, role=role, user=request.user)
        log_read(request, access, *made.section_values, action=AccessLogEntry.Action.DOWNLOAD)
    return FileResponse(
        case_file_open(complaint),
        as_attachment=True,
        filename=f"klagesak-{complaint.case.number.replace('/', '-')}.pdf",
    )
