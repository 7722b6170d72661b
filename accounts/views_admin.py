"""The municipal administrator's pages (/administrasjon/): staff and their roles, with who
granted and revoked each role and when; the municipality's services; a link to the
coordinating unit's coordinator registry. Everything is limited to the municipalities the
user administers: any other id gives a 404. Citizens are not here at all."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import administration as admin
from accounts import undelivered
from accounts.administration_forms import (
    OrganisationCreateForm,
    OrganisationForm,
    RetentionForm,
    RoleGrantForm,
    RoutinesForm,
    StaffCreateForm,
)
from accounts.administration_tasks import administration_tasks, retention_parts
from accounts.models import Municipality, StaffMembership
from ipplan.forms import posted, status_for


def _municipalities(request):
    return Municipality.objects.filter(pk__in=admin.administered_ids_or_404(request.user)).order_by(
        "name"
    )


def _refused(form, error) -> None:
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
    else:
        form.add_error(None, error)


def index(request):
    ids = admin.administered_ids_or_404(request.user)
    context = {
        "municipalities": Municipality.objects.filter(pk__in=ids).order_by("name"),
        "tasks": administration_tasks(municipality_ids=ids),
    }
    return render(request, "administration/index.html", context)


def staff_list(request):
    ids = admin.administered_ids_or_404(request.user)
    return render(request, "administration/staff_list.html", {"staff": admin.staff_in(ids)})


@require_http_methods(["GET", "POST"])
def staff_create(request):
    form = StaffCreateForm(posted(request), municipalities=_municipalities(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = admin.staff_user_create(**form.cleaned_data, acting_user=request.user)
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("Brukeren er opprettet. Den ansatte har fått en engangslenke på e-post."),
            )
            return redirect("administration:staff_detail", user.pk)
    return render(
        request, "administration/staff_form.html", {"form": form}, status=status_for(form)
    )


@require_http_methods(["GET", "POST"])
def staff_detail(request, user_id):
    member = admin.staff_member_or_404(acting_user=request.user, user_id=user_id)
    form = RoleGrantForm(posted(request), municipalities=_municipalities(request))
    if request.method == "POST" and form.is_valid():
        try:
            admin.role_grant(user=member, **form.cleaned_data, acting_user=request.user)
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            messages.success(request, _("Rollen er gitt."))
            return redirect("administration:staff_detail", member.pk)
    ids = admin.administered_ids(request.user)
    history = [
        (event, admin.role_label(event.detail))
        for event in admin.role_history(user=member, municipality_ids=ids)
    ]
    context = {"member": member, "form": form, "history": history}
    return render(request, "administration/staff_detail.html", context, status=status_for(form))


@require_POST
def role_revoke(request, membership_id):
    membership = get_object_or_404(
        StaffMembership,
        pk=membership_id,
        municipality_id__in=admin.administered_ids_or_404(request.user),
    )
    try:
        admin.role_revoke(membership=membership, acting_user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error.messages[0] if hasattr(error, "messages") else str(error))
    else:
        messages.success(request, _("Rollen er fjernet."))
    return redirect("administration:staff_detail", membership.user_id)


def services(request):
    ids = admin.administered_ids_or_404(request.user)
    return render(
        request, "administration/services.html", {"services": admin.organisations_in(ids)}
    )


@require_http_methods(["GET", "POST"])
def service_create(request):
    form = OrganisationCreateForm(posted(request), municipalities=_municipalities(request))
    if request.method == "POST" and form.is_valid():
        try:
            admin.organisation_create(**form.cleaned_data, acting_user=request.user)
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            messages.success(request, _("Tjenesten er lagt til."))
            return redirect("administration:services")
    return render(
        request,
        "administration/service_form.html",
        {"form": form, "service": None},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def service_edit(request, organisation_id):
    service = admin.organisation_or_404(acting_user=request.user, organisation_id=organisation_id)
    initial = {name: getattr(service, name) for name in OrganisationForm.base_fields}
    form = OrganisationForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            admin.organisation_update(
                organisation=service, **form.cleaned_data, acting_user=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            messages.success(request, _("Tjenesten er lagret."))
            return redirect("administration:services")
    return render(
        request,
        "administration/service_form.html",
        {"form": form, "service": service},
        status=status_for(form),
    )


@require_http_methods(["GET", "POST"])
def routines_edit(request, municipality_id):
    municipality = get_object_or_404(_municipalities(request), pk=municipality_id)
    form = RoutinesForm(
        posted(request),
        initial={"relay_log_own_consent": municipality.relay_log_own_consent},
    )
    if request.method == "POST" and form.is_valid():
        admin.municipality_routines_update(
            municipality=municipality, **form.cleaned_data, acting_user=request.user
        )
        messages.success(request, _("Rutinene er lagret."))
        return redirect("administration:index")
    return render(
        request,
        "administration/routines_form.html",
        {"form": form, "municipality": municipality},
        status=status_for(form),
    )


@require_POST
def service_set_active(request, organisation_id):
    service = admin.organisation_or_404(acting_user=request.user, organisation_id=organisation_id)
    active = request.POST.get("active") == "1"
    admin.organisation_set_active(organisation=service, is_active=active, acting_user=request.user)
    if active:
        messages.success(request, _("Tjenesten er aktiv igjen."))
    else:
        messages.success(request, _("Tjenesten er deaktivert."))
    return redirect("administration:services")


def failed_notifications(request):
    ids = admin.administered_ids_or_404(request.user)
    failed = [(m, undelivered.current_address(m)) for m in undelivered.failed_in(ids)[:200]]
    return render(request, "administration/failed_notifications.html", {"failed": failed})


@require_POST
def failed_notification_resend(request, message_id):
    try:
        undelivered.failed_message_resend(acting_user=request.user, message_id=message_id)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Varselet sendes på nytt til adressen personen har nå."))
    return redirect("administration:failed_notifications")


def _retention_page(request, ids, forms, status=200):
    context = {"forms": forms, **retention_parts(municipality_ids=ids)}
    return render(request, "administration/retention.html", context, status=status)


def _retention_form(municipality, data=None):
    initial = {
        "working_copy_months": municipality.working_copy_retention_months,
        "access_log_months": municipality.access_log_retention_months,
    }
    return RetentionForm(data, initial=initial, prefix=f"m{municipality.pk}")


def retention(request):
    """How long closed plans' working copies and access logs are kept, and what is due."""
    ids = admin.administered_ids_or_404(request.user)
    forms = [(m, _retention_form(m)) for m in _municipalities(request)]
    return _retention_page(request, ids, forms)


@require_POST
def retention_update(request, municipality_id):
    ids = admin.administered_ids_or_404(request.user)
    municipality = get_object_or_404(_municipalities(request), pk=municipality_id)
    form = _retention_form(municipality, request.POST)
    if form.is_valid():
        try:
            admin.retention_update(
                municipality=municipality,
                working_copy_months=form.cleaned_data["working_copy_months"],
                access_log_months=form.cleaned_data["access_log_months"],
                acting_user=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            messages.success(request, _("Oppbevaringstiden er lagret."))
            return redirect("administration:retention")
    forms = [
        (m, form if m.pk == municipality.pk else _retention_form(m))
        for m in _municipalities(request)
    ]
    return _retention_page(request, ids, forms, status=400)
