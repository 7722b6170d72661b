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
    # No session lookup without the token: the status must answer with the database down.
    return health.check_database() == health.OK and _is_superuser(request)


def _is_superuser(request) -> bool:
    try:
        return request.user.is_authenticated and request.user.is_superuser
    except Exception:
        return False


@login_not_required
@require_GET
def healthz(request):
    """ok, degraded or down; 503 only when the database is down, since everything else
    degrades without failing requests. Which part is missing (and the heartbeats) only for the
    installation's operators and a monitor holding the token."""
    ready, report = health_report()
    status = 200 if ready else 503
    if _may_see_health_details(request):
        return JsonResponse(report, status=status)
    return JsonResponse({"status": report["status"]}, status=status)


@login_not_required
@require_GET
def healthz_live(request):
    """Liveness: the process answers. Touches neither the database nor Redis."""
    return JsonResponse({"status": health.OK})


@login_not_required
@require_GET
def healthz_ready(request):
    """Readiness: fails only when the database is unreachable."""
    ready = health.check_database() == health.OK
    status = health.OK if ready else health.DOWN
    return JsonResponse({"status": status}, status=200 if ready else 503)
