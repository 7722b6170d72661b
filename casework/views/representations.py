"""The coordinating unit's pages for who acts for whom: the list for the unit's
municipalities, registering a parent, a verge or a proposed proxy, and ending one. Every
other user gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Representation, StaffMembership
from accounts.representations import representation_end, representations_in_municipalities
from casework.representation_forms import ChildWelfareForm, GuardianForm, ParentForm, ProxyForm
from casework.services.representations import representation_register
from consent.policy import municipalities_for, staff_municipality_ids
from ipplan.files import private_storage
from ipplan.forms import posted, posted_files, status_for

Role = StaffMembership.Role
Kind = Representation.Kind
FORMS = {
    Kind.PARENT: ParentForm,
    Kind.GUARDIAN: GuardianForm,
    Kind.CHILD_WELFARE: ChildWelfareForm,
    Kind.PROXY: ProxyForm,
}
TITLES = {
    Kind.PARENT: gettext_lazy("Registrer foresatt"),
    Kind.GUARDIAN: gettext_lazy("Registrer verge"),
    Kind.CHILD_WELFARE: gettext_lazy("Registrer barneverntjenesten"),
    Kind.PROXY: gettext_lazy("Foreslå fullmektig"),
}


def _handler_municipalities(request) -> frozenset[int]:
    ids = staff_municipality_ids(request.user, Role.CASE_HANDLER)
    if not ids:
        raise Http404
    return ids


def _representation(request, representation_id) -> Representation:
    return get_object_or_404(
        Representation.objects.select_related(
            "person", "representative", "created_by", "confirmed_by", "ended_by"
        ),
        pk=representation_id,
        person__home_municipality_id__in=_handler_municipalities(request),
    )


def representation_list(request):
    rows = representations_in_municipalities(_handler_municipalities(request))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "casework/representations.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
def representation_create(request, kind):
    _handler_municipalities(request)
    if kind not in FORMS:
        raise Http404
    municipalities = municipalities_for(request.user, Role.CASE_HANDLER).order_by("name")
    form = FORMS[kind](posted(request), posted_files(request), municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            representation = representation_register(
                kind=kind, data=form.cleaned_data, acting_user=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Registreringen er lagret, og de det gjelder har fått beskjed.")
            )
            return redirect("casework:representation", representation.pk)
    context = {"form": form, "kind": kind, "title": str(TITLES[kind])}
    return render(request, "casework/representation_form.html", context, status=status_for(form))


def representation_detail(request, representation_id):
    representation = _representation(request, representation_id)
    return render(request, "casework/representation.html", {"representation": representation})


@require_POST
def representation_end_view(request, representation_id):
    representation = _representation(request, representation_id)
    try:
        representation_end(representation=representation, acting_user=request.user, request=request)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, getattr(error, "messages", [str(error)])[0])
    else:
        messages.success(request, _("Representasjonen er avsluttet."))
    return redirect("casework:representation", representation.pk)


def representation_document(request, representation_id):
    representation = _representation(request, representation_id)
    if not representation.document:
        raise Http404
    return FileResponse(
        private_storage().open(representation.document, "rb"),
        as_attachment=True,
        filename=representation.document_name or "dokument",
    )
