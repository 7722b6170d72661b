from __future__ import annotations

from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "IDPORTEN_ENABLED": settings.IDPORTEN_ENABLED,
        "HELSEID_ENABLED": settings.HELSEID_ENABLED,
    }
