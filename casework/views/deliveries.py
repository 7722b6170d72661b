"""Letters the digital post service would not take, for the municipality's administrator."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.administration import administered_ids_or_404
from casework.services.deliveries import delivery_retry, failed_deliveries_in
from ipplan.forms import id_or_none

FAILED_LIST_LIMIT = 200


def failed_deliveries_view(request):
    ids = administered_ids_or_404(request.user)
    failed = list(failed_deliveries_in(ids)[:FAILED_LIST_LIMIT])
    return render(request, "casework/failed_deliveries.html", {"failed": failed})


@require_POST
def failed_delivery_retry_view(request):
    ids = administered_ids_or_404(request.user)
    try:
        delivery_retry(
            delivery_id=id_or_none(request.POST.get("delivery")) or 0,
            municipality_ids=ids,
            acting_user=request.user,
        )
    except LookupError as error:
        raise Http404 from error
    messages.success(request, _("Brevet sendes på nytt."))
    return redirect("casework:failed_deliveries")
