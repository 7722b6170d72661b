"""The coordinating unit's work queue and cases (the person's side is in citizen.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import StaffMembership, User
from accounts.services import person_find_or_register
from casework.case_reads import case_log_read
from casework.forms import (
    AppointForm,
    AssessmentForm,
    DecisionForm,
    InterimReplyForm,
    PaperApplicationForm,
    QueueFilterForm,
    queue_filter_html,
    requested,
)
from casework.loaders import (
    case_and_access_or_404,
    decision_and_access_or_404,
)
from casework.models import Case, LetterDelivery
from casework.selectors import (
    QueueFilter,
    case_deliveries,
    case_handlers,
    case_queue_page,
    complaint_rules_for_decisions,
    coordinator_registry,
    interim_due_ids,
    letters_to_print,
    paper_addressees,
)
from casework.services.cases import (
    NOT_A_HANDLER,
    assessment_save,
    case_assign,
    case_submit,
    decision_appoint,
    decision_make,
    decision_preview,
    interim_reply_send,
)
from casework.services.letters import delivery_mark_printed
from consent.policy import holds_role, municipalities_for
from ipplan.files import private_storage
from ipplan.forms import id_or_none, posted, posted_files, status_for
from ipplan.ratelimit import RATE_LIMITED, RateLimited
from plans.law import legal_references
from plans.services.noark import deliveries_in_folder

Role = StaffMembership.Role
PRINT_LIST_LIMIT = 100


def _handler_or_404(user) -> None:
    if not holds_role(user, Role.CASE_HANDLER):
        raise Http404


def _case(request, case_id, *, handler_only=False):
    return case_and_access_or_404(request.user, case_id, handler_only=handler_only)


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
    page = case_queue_page(
        user=request.user, queue_filter=queue_filter, number=request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    due = {case.pk for case in page.object_list if case.interim_due}
    to_print = letters_to_print(user=request.user, limit=PRINT_LIST_LIMIT)
    return render(
        request,
        "casework/case_queue.html",
        {
            "form": form,
            "filter_form": queue_filter_html(form),
            "page_obj": page,
            "query": query.urlencode(),
            "interim_due_ids": due,
            "to_print": to_print,
        },
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
                **requested(data),
                received_on=data["received_on"],
                scanned_form=data["scanned_form"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except RateLimited:
            form.add_error(None, RATE_LIMITED)
        else:
            messages.success(request, _("Papirsøknaden er registrert som sak %s.") % case.number)
            return redirect("casework:case", case.pk)
    return render(
        request, "casework/paper_application.html", {"form": form}, status=status_for(form)
    )


def case_detail(request, case_id):
    case, access = _case(request, case_id)
    if not access.can_handle:
        return redirect("casework:my_case", case.pk)
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
        "casework/case.html",
        {
            "case": case,
            "decisions": decisions,
            "letters": letters,
            "assessment": assessment,
            "complaints": complaints,
            "interim_due": bool(interim_due_ids([case.pk])),
            "handlers": case_handlers(municipality_id=case.municipality_id),
            "deliveries": case_deliveries(case=case),
            "paper_addressees": paper_addressees(case=case),
            "archived": deliveries_in_folder(f"case:{case.pk}"),
            "assessment_child_test": _child_test(assessment) if assessment else [],
        },
    )


def _child_test(assessment) -> list[tuple[bool, str]]:
    """The barnekoordinator test, item by item, as the case page shows it."""
    field = assessment._meta.get_field
    items = [
        (getattr(assessment, name), field(name).verbose_name)
        for name in ("child_under_18", "serious_condition")
    ]
    items.append(
        (assessment.long_term or assessment.complex_needs, _("Langvarig eller sammensatt behov"))
    )
    items += [
        (getattr(assessment, name), field(name).verbose_name)
        for name in ("health_and_welfare", "parents_want_it")
    ]
    return items


@require_POST
def delivery_printed_view(request, case_id):
    """The case handler printed a letter and posted it (from the case or the queue)."""
    case, _access = _case(request, case_id, handler_only=True)
    delivery = LetterDelivery.objects.filter(
        pk=id_or_none(request.POST.get("delivery")), letter__case=case
    ).first()
    if delivery is None:
        raise Http404
    try:
        delivery_mark_printed(delivery=delivery, acting_user=request.user)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Brevet er merket som sendt med post."))
    if request.POST.get("back") == "queue":
        return redirect("casework:case_queue")
    return redirect("casework:case", case.pk)


@require_POST
def case_assign_view(request, case_id):
    case, _access = _case(request, case_id, handler_only=True)
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
    return redirect("casework:case", case.pk)


def _case_form(request, case, form, *, save, success, heading, intro, submit_label=""):
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
            return redirect("casework:case", case.pk)
    return render(
        request,
        "casework/case_form.html",
        {
            "case": case,
            "form": form,
            "heading": heading,
            "intro": intro,
            "submit_label": submit_label,
        },
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
        AssessmentForm(posted(request), initial=initial, case=case),
        save=lambda data: assessment_save(case=case, acting_user=request.user, **data),
        success=_("Vurderingen er lagret."),
        heading=gettext_lazy("Vurdering"),
        intro=_(
            "Hver rett har sitt eget vilkår. Individuell plan: langvarige og koordinerte "
            "tjenester ({plan}). Koordinator: komplekse eller langvarige og koordinerte "
            "tjenester ({coordinator}). Barnekoordinator: barn med alvorlig sykdom, skade eller "
            "nedsatt funksjonsevne som vil trenge helse- og omsorgstjenester og andre "
            "velferdstjenester ({child})."
        ).format(
            **_citations(
                plan="right_to_plan",
                coordinator="right_to_coordinator",
                child="right_to_child_coordinator",
            )
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
        # The form sends a letter at once: the button says so.
        submit_label=_("Send foreløpig svar"),
        intro=_(
            "Når en sak ikke kan avgjøres innen en måned, skal personen få et foreløpig "
            "svar med grunnen og når vedtaket ventes ({interim})."
        ).format(**_citations(interim="interim_reply")),
    )


@require_http_methods(["GET", "POST"])
def decision_view(request, case_id):
    case, _access = _case(request, case_id, handler_only=True)
    form = DecisionForm(posted(request), case=case, rules=complaint_rules_for_decisions())
    assessment = getattr(case, "assessment", None)
    case_log_read(
        request, case, gettext_noop("Vedtak"), *([gettext_noop("Vurdering")] if assessment else [])
    )
    confirmed = "confirm" in request.POST and "edit" not in request.POST
    if (
        request.method == "POST"
        and form.is_valid()
        and not confirmed
        and "edit" not in request.POST
    ):
        # A decision cannot be taken back: the case handler reads the letter first.
        try:
            letter = decision_preview(case=case, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(
                request,
                "casework/decision_preview.html",
                {"case": case, "form": form.as_confirmation(), "letter": letter},
            )
    if confirmed and form.is_valid():
        try:
            decision = decision_make(case=case, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vedtaket er fattet og sendt til innboksen."))
            if decision.grants_plan or decision.grants_coordinator:
                return redirect("casework:appoint", case.pk, decision.pk)
            return redirect("casework:case", case.pk)
    return render(
        request,
        "casework/decision_form.html",
        {"case": case, "form": form, "assessment": assessment},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def appoint_view(request, case_id, decision_id):
    decision, _access = decision_and_access_or_404(request.user, case_id, decision_id)
    case = decision.case
    profiles = list(coordinator_registry(municipality_ids=[case.municipality_id]))
    case_log_read(request, case, gettext_noop("Vedtak"), gettext_noop("Oppnevning av koordinator"))
    form = AppointForm(
        posted(request),
        profiles=profiles,
        plan_exists=decision.plan_id is not None,
        grants_plan=decision.grants_plan,
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
            return redirect("casework:case", case.pk)
    if form is None:
        return render(request, "casework/appoint_done.html", {"case": case, "decision": decision})
    return render(
        request,
        "casework/appoint_form.html",
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


def _citations(**codes: str) -> dict[str, str]:
    """Citations in force today for a help text: _citations(plan="right_to_plan")."""
    law = legal_references(*codes.values())
    return {name: law[code].citation for name, code in codes.items()}
