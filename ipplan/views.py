from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from ipplan import health
from ipplan.health import health_report


def _may_see_health_details(request) -> bool:
    token = settings.IPPLAN_HEALTHZ_TOKEN
    sent = request.headers.get("X-Health-Token", "")
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    return request.user.is_authenticated and request.user.is_superuser


@login_not_required
@require_GET
def healthz(request):
    """Up or down for load balancers and container health checks; which part is down (and
    the worker's heartbeat) only for the installation's operators."""
    healthy, report = health_report()
    status = 200 if healthy else 503
    if _may_see_health_details(request):
        return JsonResponse(report, status=status)
    return JsonResponse({"status": health.OK if healthy else health.DOWN}, status=status)
