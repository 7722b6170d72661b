"""Settings for ipplan, part two: e-mail, Celery and the beat schedule, data protection and
logging (they build on part one, ipplan/settings/base.py)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from ipplan.env import env_bool, env_choice, env_int, env_str, env_url
from ipplan.settings.base import (
    PRODUCTION,
    REDIS_TIMEOUT,
    REDIS_URL,
    SECRET_KEY,
    TIME_ZONE,
)

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_HOST is required when DJANGO_ENV=production.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Any other transport (a provider's API, a file for tests of separate worker processes).
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", EMAIL_BACKEND)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ipplan <ikke-svar@ipplan.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
# The embedded mode's in-process broker; with a host named, kombu does not warn about a missing one.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker reconnects to the broker forever (the default gives up after 100 attempts).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    "retry_on_timeout": False,
    # A publish (from web, or beat) tries to connect once: kombu's default keeps retrying for
    # the whole connection timeout. The worker's own consumer reconnects forever regardless.
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
# A publish from a web request never retries: the outbox row is already saved, and the sweep
# sends what the broker did not take (accounts/notifications.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# beat writes each entry's last run to the database as soon as it sends it (the default waits
# up to three minutes), so a restarted beat neither forgets a run nor waits a whole interval:
# an overdue job is sent at once. Every periodic job takes a lock (ipplan/locks.py).
CELERY_BEAT_SYNC_EVERY = 1
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "ipplan.tasks.heartbeat", "schedule": 60.0},
    "outbox-sweep": {"task": "accounts.tasks.deliver_pending_outbox", "schedule": 60.0},
    "reminders": {"task": "coordination.tasks.send_reminders", "schedule": 300.0},
    "families-at-18": {"task": "coordination.tasks.close_families_at_18", "schedule": 3600.0},
    "periodic-archive": {"task": "plans.tasks.archive_due_plans", "schedule": 3600.0},
    "archive-deliveries": {"task": "plans.tasks.deliver_due_archive", "schedule": 120.0},
    "archive-receipts": {"task": "plans.tasks.receive_archive_receipts", "schedule": 120.0},
    "coming-of-age-notices": {"task": "consent.tasks.coming_of_age_notices", "schedule": 3600.0},
    # Closed plans past the municipality's period: archive verified, then the working copy
    # deleted (coordination/services/retention.py). Idempotent; a batch per run.
    "retention": {"task": "coordination.tasks.delete_expired_working_copies", "schedule": 3600.0},
    "expired-permissions-cleanup": {
        "task": "consent.tasks.delete_expired_permissions",
        "schedule": 3600.0,
    },
    "letter-deliveries": {"task": "casework.tasks.deliver_pending_letters", "schedule": 120.0},
    "letter-delivery-states": {"task": "casework.tasks.poll_letter_states", "schedule": 900.0},
}

# --- Data protection ---------------------------------------------------------------------------
# National identity numbers are stored encrypted, with a keyed hash for look-ups. The key must
# be kept apart from database backups; derive a development key from SECRET_KEY.
IPPLAN_DATA_KEY = env_str(
    "IPPLAN_DATA_KEY",
    None if PRODUCTION else hashlib.sha256(f"ipplan-data:{SECRET_KEY}".encode()).hexdigest(),
)
if IPPLAN_DATA_KEY is None or len(IPPLAN_DATA_KEY) < 32:
    raise ImproperlyConfigured(
        "IPPLAN_DATA_KEY (at least 32 characters) is required in production."
    )
# Synthetic test identities (Skatteetaten's Tenor, month + 80) are valid outside production only.
IPPLAN_ACCEPT_SYNTHETIC_NATIONAL_IDS = env_bool(
    "IPPLAN_ACCEPT_SYNTHETIC_NATIONAL_IDS", not PRODUCTION
)
# Health law: a person consents themselves from 16 (pbrl § 4-3); some municipalities use 15.
IPPLAN_AGE_OF_CONSENT = env_int("IPPLAN_AGE_OF_CONSENT", 16, minimum=12, maximum=18)

# The author of a progress note may correct it for this long; then it is fixed.
IPPLAN_NOTE_EDIT_MINUTES = env_int("IPPLAN_NOTE_EDIT_MINUTES", 60, minimum=0, maximum=24 * 60)
# Sub-plans and documents: at most this size, and only these kinds (checked by content).
# /healthz tells outsiders only up or down; the per-part report goes to superusers and to a
# monitor that sends this token in the X-Health-Token header (empty: no token accepted).
IPPLAN_HEALTHZ_TOKEN = env_str("IPPLAN_HEALTHZ_TOKEN", "")
# /healthz says "degraded" when beat has not sent its heartbeat for this long (beat writes the
# time to the database at most every few minutes: django_celery_beat's sync interval).
IPPLAN_BEAT_STALE_SECONDS = env_int("IPPLAN_BEAT_STALE_SECONDS", 600, minimum=120)
IPPLAN_UPLOAD_MAX_BYTES = env_int("IPPLAN_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The outbox: a message is given up (and shown to the municipality's administrator) after this
# many failed attempts; the sweep sends at most a batch, for at most some seconds, per task.
IPPLAN_OUTBOX_MAX_ATTEMPTS = env_int("IPPLAN_OUTBOX_MAX_ATTEMPTS", 8, minimum=1, maximum=50)
IPPLAN_OUTBOX_SWEEP_BATCH = env_int("IPPLAN_OUTBOX_SWEEP_BATCH", 100, minimum=1)
IPPLAN_OUTBOX_SWEEP_SECONDS = env_int("IPPLAN_OUTBOX_SWEEP_SECONDS", 10, minimum=1)
# SMS notifications: "none" (default), "console" (log only), or a backend's dotted path.
IPPLAN_SMS_BACKEND = env_str("IPPLAN_SMS_BACKEND", "none")
# Reminders: meetings this many hours ahead, measures and evaluations this many days ahead.
IPPLAN_MEETING_REMINDER_HOURS = env_int("IPPLAN_MEETING_REMINDER_HOURS", 24, minimum=1)
IPPLAN_DEADLINE_REMINDER_DAYS = env_int("IPPLAN_DEADLINE_REMINDER_DAYS", 7, minimum=1)
IPPLAN_EVALUATION_REMINDER_DAYS = env_int("IPPLAN_EVALUATION_REMINDER_DAYS", 14, minimum=1)
# Archive snapshots of every active plan at least this often (twice a year by default).
IPPLAN_ARCHIVE_INTERVAL_DAYS = env_int("IPPLAN_ARCHIVE_INTERVAL_DAYS", 182, minimum=1)
# Retention: at most this many plans are deleted per run (each in its own transaction).
IPPLAN_RETENTION_BATCH = env_int("IPPLAN_RETENTION_BATCH", 20, minimum=1, maximum=500)

# --- National services (each off until its settings are given; README, "Integrations") -----
# Maskinporten (Digdir): tokens for KRR and Fiks. The municipality registers a client with the
# scopes it has been given, and either a key (its id in KID) or its business certificate.
IPPLAN_MASKINPORTEN_ISSUER = env_url("IPPLAN_MASKINPORTEN_ISSUER", "", schemes=["https", "http"])
IPPLAN_MASKINPORTEN_TOKEN_URL = env_url(
    "IPPLAN_MASKINPORTEN_TOKEN_URL", "", schemes=["https", "http"]
)
IPPLAN_MASKINPORTEN_CLIENT_ID = env_str("IPPLAN_MASKINPORTEN_CLIENT_ID", "")
IPPLAN_MASKINPORTEN_KEY_FILE = env_str("IPPLAN_MASKINPORTEN_KEY_FILE", "")
IPPLAN_MASKINPORTEN_KEY_ID = env_str("IPPLAN_MASKINPORTEN_KEY_ID", "")
IPPLAN_MASKINPORTEN_CERTIFICATE_FILE = env_str("IPPLAN_MASKINPORTEN_CERTIFICATE_FILE", "")
IPPLAN_MASKINPORTEN_TIMEOUT_SECONDS = env_int(
    "IPPLAN_MASKINPORTEN_TIMEOUT_SECONDS", 5, minimum=1, maximum=60
)
IPPLAN_MASKINPORTEN_ENABLED = bool(
    IPPLAN_MASKINPORTEN_ISSUER and IPPLAN_MASKINPORTEN_CLIENT_ID and IPPLAN_MASKINPORTEN_KEY_FILE
)
# KRR (Digdir's contact and reservation register): e-mail, mobile number, reservation and
# digital mailbox, looked up with Maskinporten (scopes krr:global/kontaktinformasjon.read and
# krr:global/digitalpost.read). Production: https://krr.digdir.no/rest/v1/personer.
IPPLAN_KRR_URL = env_url("IPPLAN_KRR_URL", "", schemes=["https", "http"])
IPPLAN_KRR_TIMEOUT_SECONDS = env_int("IPPLAN_KRR_TIMEOUT_SECONDS", 3, minimum=1, maximum=30)
# What KRR said is used for this long before it is asked again before a send.
IPPLAN_KRR_MAX_AGE_MINUTES = env_int("IPPLAN_KRR_MAX_AGE_MINUTES", 60, minimum=1)
# Letters to the digital mailbox: "none" (default) or "svarut" (KS Fiks SvarUt, REST v2).
IPPLAN_DIGITAL_POST_BACKEND = env_str("IPPLAN_DIGITAL_POST_BACKEND", "none")
if IPPLAN_DIGITAL_POST_BACKEND not in {"none", "svarut"}:
    raise ImproperlyConfigured("IPPLAN_DIGITAL_POST_BACKEND must be none or svarut.")
IPPLAN_SVARUT_URL = env_url("IPPLAN_SVARUT_URL", "", schemes=["https", "http"])
# Each municipality sends from its own SvarUt account: "3403=<konto-uuid>,3405=<konto-uuid>".
IPPLAN_SVARUT_ACCOUNTS = dict(
    item.strip().split("=", 1)
    for item in env_str("IPPLAN_SVARUT_ACCOUNTS", "").split(",")
    if "=" in item
)
IPPLAN_SVARUT_INTEGRATION_ID = env_str("IPPLAN_SVARUT_INTEGRATION_ID", "")
IPPLAN_SVARUT_INTEGRATION_PASSWORD = env_str("IPPLAN_SVARUT_INTEGRATION_PASSWORD", "")
IPPLAN_SVARUT_TIMEOUT_SECONDS = env_int("IPPLAN_SVARUT_TIMEOUT_SECONDS", 60, minimum=5)
# A letter the service keeps refusing is given up after this many attempts (backoff 1 min to
# 6 hours) and shown to the municipality's administrator.
IPPLAN_LETTER_DELIVERY_MAX_ATTEMPTS = env_int(
    "IPPLAN_LETTER_DELIVERY_MAX_ATTEMPTS", 10, minimum=1, maximum=50
)

# Noark 5 archive (issue 13): "fiks" sends every archived document to the municipality's archive
# through Fiks Arkiv over Fiks IO; "package" keeps a monthly download package for the municipal
# administrator instead; empty (the default) archives nothing outside ipplan.
IPPLAN_ARCHIVE_MODE = env_choice("IPPLAN_ARCHIVE_MODE", ["", "fiks", "package"], "")
# The municipality's own archive key for IP and coordinator cases (both or neither), e.g. "KK"
# and the class its archive plan gives them; the folder is also classified by national id.
IPPLAN_ARCHIVE_CLASS_SYSTEM = env_str("IPPLAN_ARCHIVE_CLASS_SYSTEM", "")
IPPLAN_ARCHIVE_CLASS_ID = env_str("IPPLAN_ARCHIVE_CLASS_ID", "")
IPPLAN_ARCHIVE_MAX_ATTEMPTS = env_int("IPPLAN_ARCHIVE_MAX_ATTEMPTS", 10, minimum=1, maximum=50)
# Fiks IO (KS): the municipality's integration (id and password), ipplan's Fiks IO account with
# its key pair (the public key uploaded to the account), and the archive's Fiks IO account.
IPPLAN_FIKS_IO_URL = env_url(
    "IPPLAN_FIKS_IO_URL", "https://api.fiks.ks.no", schemes=["https", "http"]
)
IPPLAN_FIKS_IO_AMQP_HOST = env_str("IPPLAN_FIKS_IO_AMQP_HOST", "io.fiks.ks.no:5671")
IPPLAN_FIKS_IO_AMQP_TLS = env_bool("IPPLAN_FIKS_IO_AMQP_TLS", True)
IPPLAN_FIKS_INTEGRATION_ID = env_str("IPPLAN_FIKS_INTEGRATION_ID", "")
IPPLAN_FIKS_INTEGRATION_PASSWORD = env_str("IPPLAN_FIKS_INTEGRATION_PASSWORD", "")
IPPLAN_FIKS_IO_ACCOUNT_ID = env_str("IPPLAN_FIKS_IO_ACCOUNT_ID", "")
IPPLAN_FIKS_IO_KEY_FILE = env_str("IPPLAN_FIKS_IO_KEY_FILE", "")
IPPLAN_FIKS_IO_CERTIFICATE_FILE = env_str("IPPLAN_FIKS_IO_CERTIFICATE_FILE", "")
IPPLAN_FIKS_ARKIV_ACCOUNT_ID = env_str("IPPLAN_FIKS_ARKIV_ACCOUNT_ID", "")
# The business certificate (virksomhetssertifikat, its signing certificate as PEM) and its key,
# which sign every ASiC-E container sent through Fiks IO (META-INF/signatures.xml).
IPPLAN_FIKS_SIGNING_KEY_FILE = env_str("IPPLAN_FIKS_SIGNING_KEY_FILE", "")
IPPLAN_FIKS_SIGNING_CERTIFICATE_FILE = env_str("IPPLAN_FIKS_SIGNING_CERTIFICATE_FILE", "")
# One Fiks setup per municipality (ipplan/fiks_setup.py): a JSON file kept by the operator, by
# municipality number. A municipality without an entry uses the IPPLAN_FIKS_* settings above when
# they are complete; with neither, its deliveries take IPPLAN_ARCHIVE_MODE_WITHOUT_FIKS ("package":
# monthly download packages; "": nothing leaves ipplan) and its letters stay in the inbox.
IPPLAN_FIKS_MUNICIPALITIES_FILE = env_str("IPPLAN_FIKS_MUNICIPALITIES_FILE", "")
IPPLAN_ARCHIVE_MODE_WITHOUT_FIKS = env_choice(
    "IPPLAN_ARCHIVE_MODE_WITHOUT_FIKS", ["package", ""], "package"
)
IPPLAN_FIKS_TIMEOUT_SECONDS = env_int("IPPLAN_FIKS_TIMEOUT_SECONDS", 10, minimum=1, maximum=120)

SITE_NAME = "ipplan"
SITE_URL = env_url("IPPLAN_SITE_URL", "http://127.0.0.1:8000", schemes=["https", "http"])

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"safe": {"()": "ipplan.logging.SafeLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["safe"]},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.security": {"level": "INFO"},
        "ipplan.security": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
