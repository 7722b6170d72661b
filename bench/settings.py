"""Settings for `make bench` only: production's settings, plus the floor view (bench.urls).

The bench serves gunicorn on 127.0.0.1 over plain HTTP with no proxy in front. Production's
HTTPS settings are not switched off for it: the load client does what the TLS-terminating
proxy in front of production does and sends `X-Forwarded-Proto: https` (trusted through
SECURE_PROXY_SSL_HEADER and gunicorn's forwarded_allow_ips), so the HTTPS redirect, HSTS and
the secure `__Host-` cookies work and cost what they cost in production. No deployment ever
names this module; the normal URLconf (ipplan.urls) has no floor.
"""

from django.core.exceptions import ImproperlyConfigured

from ipplan.settings import *  # noqa: F403
from ipplan.settings import PRODUCTION

if not PRODUCTION:
    raise ImproperlyConfigured(
        "bench.settings measures the production shape: DJANGO_ENV=production"
    )

ROOT_URLCONF = "bench.urls"
