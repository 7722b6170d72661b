"""The person's own decisions about who acts for them: confirming a representative they chose
(only then is it in force), declining it, or ending it later. Shown on the profile page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Representation
from accounts.representations import representation_end, representation_proxy_confirm


def _own_proxy(request, representation_id) -> Representation:
    """A proxy for the logged-in person themselves; anyone else's is a 404."""
    return get_object_or_404(
        Representation,
        pk=representation_id,
        person=request.user,
        kind=Representation.Kind.PROXY,
    )


def _refused(request, error) -> None:
    messages.error(request, getattr(error, "messages", [str(error)])[0])


@require_POST
def confirm(request, representation_id):
    representation = _own_proxy(request, representation_id)
    try:
        representation_proxy_confirm(
            representation=representation, acting_user=request.user, request=request
        )
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Fullmakten er bekreftet og gjelder nå."))
    return redirect("accounts:profile")


@require_POST
def end(request, representation_id):
    representation = _own_proxy(request, representation_id)
    try:
        representation_end(representation=representation, acting_user=request.user, request=request)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Fullmakten er avsluttet."))
    return redirect("accounts:profile")
