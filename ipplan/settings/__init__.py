"""Settings for ipplan, driven by environment variables.

Defaults give the embedded mode used by `make run` and `make test`: an SQLite file database,
Celery tasks run eagerly in-process and e-mail printed to the console. DATABASE_URL switches to
PostgreSQL, REDIS_URL turns on the Redis broker and cache (and turns eager mode off), and
DJANGO_ENV=production turns on everything `manage.py check --deploy` asks for. README.md lists
the production variables. The settings are in two parts, read in order: base.py (the frame,
database, cache, authentication, sessions, security, languages, static files) and services.py
(e-mail, Celery, data protection, logging).
"""

from ipplan.settings.base import *  # noqa: F403
from ipplan.settings.services import *  # noqa: F403
