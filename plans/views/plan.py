"""The plan as a whole: create, read, period, "about me", status, history, PDF, archive."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import StaffMembership
from accounts.services import person_find_or_register
from ipplan.files import private_storage
from ipplan.forms import posted, status_for
from ipplan.ratelimit import RATE_LIMITED, RateLimited
from plans.access import municipalities_for, plan_and_access_or_404
from plans.extensions import overview_extensions
from plans.forms import AboutMeForm, CloseForm, PlanCreateForm, PlanDetailsForm, RequestCloseForm
from plans.fragments import PAGE, fragment_key, fragments_get, page_fragment_key
from plans.models import ArchiveRecord
from plans.page_facts import page_cacheable, page_shown, plan_page_facts
from plans.retention import access_log_deletion_at, working_copy_deletion_at
from plans.sections import OVERVIEW, Action, Section
from plans.selectors import history_for, plan_as_saved, plan_deletions, plan_overview
from plans.services.archive import archive_on_demand, archive_open
from plans.services.common import ConcurrentEditError
from plans.services.conversion import plan_convert_to_ip
from plans.services.lifecycle import (
    about_me_update,
    plan_activate,
    plan_close,
    plan_create,
    plan_request_close,
    plan_update_details,
)
from plans.services.noark import deliveries_by_source
from plans.services.pdf import plan_pdf_key, plan_pdf_stored, printed_sections
from plans.services.relay import continue_as_plan_coordinator
from plans.tasks import plan_pdf_request
from plans.views.helpers import (
    back_to_section,
    load_plan,
    log_read,
    readable_sections,
    require_write,
    show_conflict,
)

Role = StaffMembership.Role


@require_http_methods(["GET", "POST"])
def plan_create_view(request):
    municipalities = municipalities_for(request.user, Role.COORDINATOR)
    if not municipalities:
        raise Http404
    form = PlanCreateForm(posted(request), municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            owner = person_find_or_register(
                national_id=data["national_id"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                municipality=data["municipality"],
                acting_user=request.user,
            )
            plan = plan_create(
                owner=owner,
                coordinator=request.user,
                municipality=data["municipality"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                next_evaluation=data["next_evaluation"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except RateLimited:
            form.add_error(None, RATE_LIMITED)
        else:
            messages.success(request, _("Planen er opprettet som utkast."))
            return redirect("plans:detail", plan.pk)
    return render(request, "plans/plan_create.html", {"form": form}, status=status_for(form))


def plan_detail(request, plan_id):
    # load_plan's two steps, with a deleted plan's tombstone page in between (it logs nothing).
    plan, access = plan_and_access_or_404(request.user, plan_id)
    if plan.working_copy_deleted_at is not None:
        return plan_deleted(request, plan, access)
    # The page's small facts in one query (plans.page_facts). The page is rendered once per
    # reader, content and facts, its parts once per reader and content (plans.fragments); what
    # the cache has already is neither loaded nor rendered again.
    facts = plan_page_facts(plan, access, request.user)
    extensions = overview_extensions(plan, access, request.user, facts=facts)
    deletion_at = working_copy_deletion_at(plan)
    key = fragment_key(access, facts["stamp"])
    page_key = None
    if page_cacheable(plan, extensions, has_messages=bool(messages.get_messages(request))):
        page_key = page_fragment_key(key, page_shown(plan, facts, deletion_at=deletion_at))
    cached = fragments_get(key, page_key=page_key)
    # The page shows every readable section (meetings and messages through the extensions).
    log_read(request, access, OVERVIEW, *readable_sections(access))
    context = {"plan": plan, "access": access, "cached_fragments": cached}
    context.update(fragment_key=key, page_fragment_key=page_key)
    if PAGE not in cached:
        context["overview"] = plan_overview(plan, access, from_cache=cached.keys(), facts=facts)
        context["working_copy_deletion_at"] = deletion_at
        if access.can_manage_plan:
            context["continue_as_plan"] = continue_as_plan_coordinator(plan)
        context.update(extensions)
    return render(request, "plans/detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_details_edit(request, plan_id):
    plan, access = load_plan(request, plan_id)
    require_write(access, access.can_manage_plan)
    form = PlanDetailsForm(
        posted(request),
        initial={
            "version": plan.version,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "next_evaluation": plan.next_evaluation,
        },
    )
    saved_now = None
    if request.method == "POST" and form.is_valid():
        try:
            plan_update_details(
                plan=plan,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
                **form.changes(),
            )
        except ConcurrentEditError:
            saved_now = show_conflict(form, plan_as_saved(plan))
        else:
            return back_to_section(request, plan, "key-facts", _("Planperioden er lagret."))
    return render(
        request,
        "plans/plan_details_form.html",
        {"plan": plan, "form": form, "saved_now": saved_now},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def about_me_edit(request, plan_id):
    plan, access = load_plan(request, plan_id, section=Section.ABOUT_ME)
    require_write(access, access.can_write(Section.ABOUT_ME))
    form = AboutMeForm(
        posted(request),
        plan=plan,
        initial={
            "version": plan.about_me_version,
            "what_matters": plan.what_matters,
            "resources": plan.resources,
            "needs": plan.needs,
            "language_culture": plan.language_culture,
        },
    )
    saved_now = None
    log_read(request, access, Section.ABOUT_ME)
    if request.method == "POST" and form.is_valid():
        try:
            about_me_update(
                plan=plan,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
                **form.changes(),
            )
        except ConcurrentEditError:
            current = plan_as_saved(plan)
            saved_now = show_conflict(form, current, version=current.about_me_version)
        else:
            return back_to_section(request, plan, "about-me", _("«Om meg» er lagret."))
    return render(
        request,
        "plans/about_me_form.html",
        {"plan": plan, "access": access, "form": form, "saved_now": saved_now},
        status=status_for(form),
    )


@require_POST
def plan_activate_view(request, plan_id):
    plan, access = load_plan(request, plan_id)
    require_write(access, access.can_manage_plan)
    try:
        plan_activate(plan=plan, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Stafettloggen er tatt i bruk.")
            if plan.kind == plan.Kind.RELAY_LOG
            else _("Planen er tatt i bruk."),
        )
    return redirect("plans:detail", plan.pk)


@require_POST
def plan_convert_view(request, plan_id):
    plan, access = load_plan(request, plan_id)
    require_write(access, access.can_manage_plan)
    try:
        plan_convert_to_ip(plan=plan, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Koordineringen er gjort om til individuell plan, med alt den hadde.")
        )
    return redirect("plans:detail", plan.pk)


@require_http_methods(["GET", "POST"])
def plan_close_view(request, plan_id):
    plan, access = load_plan(request, plan_id)
    require_write(access, access.can_manage_plan)
    form = CloseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        plan_close(
            plan=plan,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        )
        messages.success(
            request,
            _("Stafettloggen er avsluttet og arkivert.")
            if plan.kind == plan.Kind.RELAY_LOG
            else _("Planen er avsluttet og arkivert."),
        )
        return redirect("plans:detail", plan.pk)
    return render(
        request, "plans/close_form.html", {"plan": plan, "form": form}, status=status_for(form)
    )


@require_http_methods(["GET", "POST"])
def plan_request_close_view(request, plan_id):
    plan, access = load_plan(request, plan_id)
    require_write(access, access.can_request_close)
    form = RequestCloseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        plan_request_close(plan=plan, reason=form.cleaned_data["reason"], acting_user=request.user)
        messages.success(request, _("Koordinatoren har fått beskjed om at du vil avslutte planen."))
        return redirect("plans:detail", plan.pk)
    return render(
        request,
        "plans/request_close_form.html",
        {"plan": plan, "form": form},
        status=status_for(form),
    )


def plan_history(request, plan_id):
    plan, access = load_plan(request, plan_id)
    page = Paginator(history_for(plan, access), 50).get_page(request.GET.get("page"))
    log_read(request, access, *readable_sections(access))
    return render(request, "plans/history.html", {"plan": plan, "page_obj": page})


def plan_pdf(request, plan_id):
    """The reader's PDF, made by the worker once per version of what they may see (plans.
    services.pdf); until it is ready, a page that reloads itself says it is being made."""
    plan, access = load_plan(request, plan_id)
    if not access.can_export:
        raise Http404
    key = plan_pdf_key(plan, access)
    found = {"plan_id": plan.pk, "user_id": request.user.pk, "key": key}
    name = plan_pdf_stored(**found) or plan_pdf_request(plan=plan, user=request.user, key=key)
    if request.GET.get("status"):  # htmx asks whether it is ready: no plan data in the answer
        context = {"plan": plan, "ready": name is not None}
        return render(request, "plans/includes/pdf_status.html", context)
    if name is None:
        return render(request, "plans/pdf_wait.html", {"plan": plan, "ready": False})
    log_read(request, access, *printed_sections(access), action=Action.EXPORT)
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        private_storage().open(name),
        as_attachment=True,
        filename=f"{plan.kind_info.pdf_filename}-{stamp}.pdf",
        content_type="application/pdf",
    )


@require_http_methods(["GET", "POST"])
def plan_archive(request, plan_id):
    plan, access = load_plan(request, plan_id)
    if not access.is_coordinator:
        raise PermissionDenied
    if request.method == "POST":
        require_write(access, access.can_manage_plan)
        archive_on_demand(plan=plan, acting_user=request.user)
        messages.success(request, _("En arkivkopi av planen er lagret."))
        return redirect("plans:archive", plan.pk)
    records = Paginator(plan.archive_records.all(), 25).get_page(request.GET.get("page"))
    archived = deliveries_by_source(f"snapshot:{record.pk}" for record in records)
    for record in records:
        record.delivery = archived.get(f"snapshot:{record.pk}")
    return render(
        request, "plans/archive.html", {"plan": plan, "access": access, "page_obj": records}
    )


def plan_archive_download(request, plan_id, record_id):
    plan, access = load_plan(request, plan_id)
    if not access.is_coordinator:
        raise PermissionDenied
    record = get_object_or_404(ArchiveRecord, pk=record_id, plan=plan)
    # An archive copy is the whole plan as it was (made with full_read_access).
    log_read(request, access, *Section.values, action=Action.DOWNLOAD, target=record)
    name = f"arkiv-plan-{plan.pk}-{record.created_at:%Y%m%d-%H%M}.pdf"
    return FileResponse(
        archive_open(record), as_attachment=True, filename=name, content_type="application/pdf"
    )


def plan_deleted(request, plan, access):
    """What is left of a plan whose working copy the retention job deleted: the tombstone, for
    the owner and those acting for them only (no section content, so no access-log entry)."""
    if not access.is_owner_side:
        raise Http404
    context = {
        "plan": plan,
        "deletions": plan_deletions(plan),
        "access_log_deletion_at": access_log_deletion_at(plan),
    }
    return render(request, "plans/deleted.html", context)
