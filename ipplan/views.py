from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from ipplan.health import health_report


@login_not_required
@require_GET
def healthz(request):
    """Database, broker and cache status for load balancers and container health checks."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
