"""The coordinating unit's work queue and cases, and the person's side: applying, referrals,
"my cases" and the letters in the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods

from accounts.models import Municipality, StaffMembership, User
from accounts.roles import user_roles
from accounts.services import person_find_or_register
from consent.policy import case_access_or_404, municipalities_for, people_user_acts_for
from coordination.case_reads import case_log_read
from coordination.forms import (
    ApplicationForm,
    AppointForm,
    AssessmentForm,
    DecisionForm,
    InterimReplyForm,
    PaperApplicationForm,
    QueueFilterForm,
    ReferralForm,
)
from coordination.models import Case, ComplaintRule, Decision, Letter
from coordination.selectors import (
    QueueFilter,
    case_handlers,
    case_queue,
    cases_for_person_side,
    coordinator_registry,
    interim_due_ids,
    letters_for,
)
from coordination.services.cases import (
    NOT_A_HANDLER,
    assessment_save,
    case_assign,
    case_submit,
    decision_appoint,
    decision_make,
    interim_reply_send,
)
from coordination.services.letters import letter_open, letter_read
from ipplan.files import private_storage
from ipplan.forms import id_or_none, posted, posted_files, status_for
from ipplan.ratelimit import RATE_LIMITED, RateLimited

Role = StaffMembership.Role
REQUEST_FIELDS = (
    "wants_plan",
    "wants_coordinator",
    "wants_child_coordinator",
    "needs",
    "current_services",
    "preferred_coordinator",
    "consent_to_contact",
)


def _handler_or_404(user) -> None:
    if not user_roles(user).has(Role.CASE_HANDLER):
        raise Http404


def _case(request, case_id, *, handler_only=False):
    case = get_object_or_404(
        Case.objects.select_related("municipality", "person", "assigned_to"), pk=case_id
    )
    access = case_access_or_404(
        request.user, municipality_id=case.municipality_id, person_id=case.person_id
    )
    if handler_only and not access.can_handle:
        raise Http404
    return case, access


def _request(data) -> dict:
    """What is applied for, from any of the three forms (application, referral, paper)."""
    return {name: data[name] for name in REQUEST_FIELDS}


# --- The coordinating unit ------------------------------------------------------------------


def case_queue_view(request):
    _handler_or_404(request.user)
    form = QueueFilterForm(request.GET or None)
    queue_filter = QueueFilter()
    if form.is_valid():
        data = form.cleaned_data
        queue_filter = QueueFilter(
            status=data["status"] or "open",
            assigned=data["assigned"] or "all",
            kind=data["kind"],
            interim_due=data["interim_due"],
            number=data["number"],
        )
    cases = case_queue(user=request.user, queue_filter=queue_filter)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    due = interim_due_ids([c.pk for c in page])
    return render(
        request,
        "coordination/case_queue.html",
        {"form": form, "page_obj": page, "query": query.urlencode(), "interim_due_ids": due},
    )


@require_http_methods(["GET", "POST"])
def paper_application(request):
    _handler_or_404(request.user)
    municipalities = municipalities_for(request.user, Role.CASE_HANDLER).order_by("name")
    form = PaperApplicationForm(
        posted(request), posted_files(request), municipalities=municipalities
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        municipality = data["municipality"]
        try:
            person = person_find_or_register(
                national_id=data["national_id"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                municipality=municipality,
                acting_user=request.user,
            )
            case = case_submit(
                person=person,
                municipality=municipality,
                kind=Case.Kind.PAPER,
                acting_user=request.user,
                **_request(data),
                received_on=data["received_on"],
                scanned_form=data["scanned_form"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except RateLimited:
            form.add_error(None, RATE_LIMITED)
        else:
            messages.success(request, _("Papirsøknaden er registrert som sak %s.") % case.number)
            return redirect("coordination:case", case.pk)
    return render(
        request, "coordination/paper_application.html", {"form": form}, status=status_for(form)
    )


def case_detail(request, case_id):
    case, access = _case(request, case_id)
    if not access.can_handle:
        return redirect("coordination:my_case", case.pk)
    decisions = list(
        case.decisions.select_related("letter", "appointed_coordinator", "plan", "complaint_rule")
    )
    letters, complaints = list(case.letters.all()), list(case.complaints.all())
    assessment = getattr(case, "assessment", None)
    shown = {
        gettext_noop("Vurdering"): assessment,
        gettext_noop("Vedtak"): decisions,
        gettext_noop("Brev"): letters,
        gettext_noop("Klage"): complaints,
    }
    case_log_read(request, case, gettext_noop("Saken"), *(part for part, x in shown.items() if x))
    return render(
        request,
        "coordination/case.html",
        {
            "case": case,
            "decisions": decisions,
            "letters": letters,
            "assessment": assessment,
            "complaints": complaints,
            "interim_due": bool(interim_due_ids([case.pk])),
            "handlers": case_handlers(municipality_id=case.municipality_id),
        },
    )


def case_assign_view(request, case_id):
    case, _access = _case(request, case_id, handler_only=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    raw = request.POST.get("to_user")
    to_user = User.objects.filter(pk=id_or_none(raw) if raw else request.user.pk).first()
    try:
        if to_user is None:
            raise ValidationError(NOT_A_HANDLER)
        case_assign(case=case, to_user=to_user, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saken er tildelt."))
    return redirect("coordination:case", case.pk)


def _case_form(request, case, form, *, save, success, heading, intro):
    """A form on a case (assessment, interim reply): saved by `save`, errors shown in place.
    The page shows the case and the form (`heading` names it in the case log)."""
    case_log_read(request, case, heading)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("coordination:case", case.pk)
    return render(
        request,
        "coordination/case_form.html",
        {"case": case, "form": form, "heading": heading, "intro": intro},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def assessment_view(request, case_id):
    case, _access = _case(request, case_id, handler_only=True)
    existing = getattr(case, "assessment", None)
    initial = (
        {f: getattr(existing, f) for f in AssessmentForm.base_fields}
        if existing
        else {"child_under_18": (case.person.age_on(timezone.localdate()) or 99) < 18}
    )
    return _case_form(
        request,
        case,
        AssessmentForm(posted(request), initial=initial),
        save=lambda data: assessment_save(case=case, acting_user=request.user, **data),
        success=_("Vurderingen er lagret."),
        heading=gettext_lazy("Vurdering"),
        intro=_(
            "Retten til individuell plan og koordinator gjelder når behovet er "
            "langvarig og koordinert: to eller flere tjenester som bør ses i "
            "sammenheng (helse- og omsorgstjenesteloven §§ 7-1 og 7-2)."
        ),
    )


@require_http_methods(["GET", "POST"])
def interim_reply_view(request, case_id):
    case, _access = _case(request, case_id, handler_only=True)
    return _case_form(
        request,
        case,
        InterimReplyForm(posted(request)),
        save=lambda data: interim_reply_send(case=case, acting_user=request.user, **data),
        success=_("Foreløpig svar er sendt."),
        heading=gettext_lazy("Foreløpig svar"),
        intro=_(
            "Når en sak ikke kan avgjøres innen en måned, skal personen få et foreløpig "
            "svar med grunnen og når vedtaket ventes (forvaltningsloven § 11 a)."
        ),
    )


@require_http_methods(["GET", "POST"])
def decision_view(request, case_id):
    case, _access = _case(request, case_id, handler_only=True)
    form = DecisionForm(posted(request), case=case, rules=ComplaintRule.objects.all())
    assessment = getattr(case, "assessment", None)
    case_log_read(
        request, case, gettext_noop("Vedtak"), *([gettext_noop("Vurdering")] if assessment else [])
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = decision_make(case=case, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vedtaket er fattet og sendt til innboksen."))
            if decision.grants_plan or decision.grants_coordinator:
                return redirect("coordination:appoint", case.pk, decision.pk)
            return redirect("coordination:case", case.pk)
    return render(
        request,
        "coordination/decision_form.html",
        {"case": case, "form": form, "assessment": assessment},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def appoint_view(request, case_id, decision_id):
    case, _access = _case(request, case_id, handler_only=True)
    decision = get_object_or_404(Decision, pk=decision_id, case=case)
    profiles = list(coordinator_registry(municipality_ids=[case.municipality_id]))
    case_log_read(request, case, gettext_noop("Vedtak"), gettext_noop("Oppnevning av koordinator"))
    form = AppointForm(
        posted(request),
        profiles=profiles,
        plan_exists=decision.plan_id is not None,
        initial={"coordinator": decision.appointed_coordinator_id},
    )
    if decision.plan_id is not None and decision.appointed_coordinator_id is not None:
        # The plan exists: changing coordinator is a handover in the plan, not a new appointment.
        form = None
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision_appoint(
                decision=decision,
                acting_user=request.user,
                coordinator=User.objects.get(pk=data["coordinator"]),
                override_reason=data["override_reason"],
                create_plan=data.get("create_plan", False),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Koordinatoren er oppnevnt."))
            return redirect("coordination:case", case.pk)
    if form is None:
        return render(
            request, "coordination/appoint_done.html", {"case": case, "decision": decision}
        )
    return render(
        request,
        "coordination/appoint_form.html",
        {"case": case, "decision": decision, "form": form, "profiles": profiles},
        status=status_for(form),
    )


def scanned_form_view(request, case_id):
    case, _access = _case(request, case_id, handler_only=True)
    if not case.scanned_form:
        raise Http404
    case_log_read(request, case, gettext_noop("Skannet søknad"))
    return FileResponse(
        private_storage().open(case.scanned_form, "rb"),
        as_attachment=True,
        filename=f"soknad-{case.number.replace('/', '-')}.pdf",
    )


# --- The person's side -------------------------------------------------------------------------


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
                **_request(data),
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if hasattr(error, "messages") else str(error))
        else:
            messages.success(request, _("Søknaden er sendt. Saksnummeret er %s.") % case.number)
            return redirect("coordination:my_case", case.pk)
    return render(request, "coordination/apply.html", {"form": form}, status=status_for(form))


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
                **_request(data),
                consent_note=data["consent_note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return render(request, "coordination/referral_sent.html")
    return render(request, "coordination/referral.html", {"form": form}, status=status_for(form))


def my_cases(request):
    cases = cases_for_person_side(user=request.user)
    return render(
        request,
        "coordination/my_cases.html",
        {"cases": cases[:100], "letters": letters_for(user=request.user)[:100]},
    )


def my_case(request, case_id):
    case, access = _case(request, case_id)
    if access.can_handle:
        return redirect("coordination:case", case.pk)
    return render(
        request,
        "coordination/my_case.html",
        {
            "case": case,
            "letters": case.letters.all(),
            "decisions": case.decisions.select_related("letter", "complaint_rule"),
            "today": timezone.localdate(),
            "complaints": case.complaints.select_related("decision"),
            "log": case.access_log.select_related("actor")[:50],
        },
    )


def letter_view(request, letter_id):
    letter = get_object_or_404(Letter.objects.select_related("case"), pk=letter_id)
    access = case_access_or_404(
        request.user, municipality_id=letter.case.municipality_id, person_id=letter.case.person_id
    )
    letter_read(letter=letter, user=request.user, access=access)
    if access.can_handle:
        # The coordinating unit's readings are logged for the person; theirs mark it read.
        case_log_read(request, letter.case, letter.title)
    name = f"{letter.get_kind_display()} {letter.case.number.replace('/', '-')}.pdf"
    return FileResponse(
        letter_open(letter), as_attachment=True, filename=name, content_type="application/pdf"
    )
