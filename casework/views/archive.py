"""The municipal administrator's archive page: what went to the Noark 5 archive and what did
not (Fiks mode: failed deliveries with their error, sent again after the cause is fixed), and
the monthly archive packages (package mode). Only the municipality's administrators: any other
staff role, and administrators of another municipality, get 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.administration import administered_ids_or_404
from casework.services.archive import package_download
from plans.models import ArchiveDelivery
from plans.services import noark


def archive_admin(request):
    ids = administered_ids_or_404(request.user)
    deliveries = ArchiveDelivery.objects.filter(municipality_id__in=ids).select_related(
        "municipality"
    )
    context = {
        "mode": noark.archive_mode(),
        "failed": list(deliveries.filter(failed_at__isnull=False)[:200]),
        "recent": list(deliveries[:50]),
        "months": noark.package_months(municipality_ids=ids),
    }
    return render(request, "administration/archive.html", context)


def archive_package(request, municipality_id: int, year: int, month: int):
    ids = administered_ids_or_404(request.user)
    if municipality_id not in ids or not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404
    data = package_download(
        municipality_id=municipality_id, year=year, month=month, acting_user=request.user
    )
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="application/zip")
    name = f"arkivpakke-{municipality_id}-{year}-{month:02d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def archive_retry(request, delivery_id: int):
    ids = administered_ids_or_404(request.user)
    try:
        noark.archive_delivery_retry(delivery_id=delivery_id, municipality_ids=ids)
    except ArchiveDelivery.DoesNotExist as error:
        raise Http404 from error
    messages.success(request, _("Dokumentet sendes til arkivet på nytt."))
    return redirect("casework:archive_admin")
