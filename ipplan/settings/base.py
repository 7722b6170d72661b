"""Settings for ipplan, part one: the frame, database, cache, authentication, sessions,
security headers, languages and static files (ipplan/settings/__init__.py reads both parts).

Defaults give the embedded mode used by `make run` and `make test`: an SQLite file database,
Celery tasks run eagerly in-process and e-mail printed to the console. DATABASE_URL switches to
PostgreSQL, REDIS_URL turns on the Redis broker and cache (and turns eager mode off), and
DJANGO_ENV=production turns on everything `manage.py check --deploy` asks for. README.md lists
the production variables.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ipplan.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("IPPLAN_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", ["development", "production"], "development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")

# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    None if PRODUCTION else "development-only-key-never-used-in-production-0123456789abcdef",
)
if SECRET_KEY is None:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_ENV=production.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The embedded demo: SQLite, eager Celery, seeded logins. `demo_totp` only runs here.
DATABASE_URL = env_url("DATABASE_URL", "", schemes=["postgres", "postgresql", "sqlite"])
REDIS_URL = env_url("REDIS_URL", "", schemes=["redis", "rediss"])
EMBEDDED_MODE = not DATABASE_URL and not REDIS_URL and not PRODUCTION

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    # https://docs.allauth.org/en/latest/installation/quickstart.html
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    # https://django-guardian.readthedocs.io/en/stable/configuration.html
    "guardian",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "accounts",
    "plans",
    "consent",
    "coordination",
    "casework",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ipplan.middleware.permissions_policy_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "ipplan.middleware.no_store_middleware",
    "ipplan.middleware.probe_middleware",  # /healthz/live and /ready: no session, no user
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ipplan.middleware.session_touch_middleware",  # the idle timeout, one write a minute
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "ipplan.middleware.session_lifetime_middleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # One access-log entry per plan and per case a successful response showed (innermost, so
    # it sees the view's final status).
    "consent.reads.access_log_middleware",
    "casework.case_reads.case_log_middleware",
]

ROOT_URLCONF = "ipplan.urls"
WSGI_APPLICATION = "ipplan.wsgi.application"
ASGI_APPLICATION = "ipplan.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ipplan.context_processors.site",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "ipplan.forms.DesignsystemetRenderer"

# --- Database -------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/databases/#postgresql-notes
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "ipplan.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The PostgreSQL role web, worker and beat connect as (ipplan/db_roles.py). Set it where
# `migrate` runs as the owner role: after migrating, the owner grants this role what the app
# needs (SELECT/INSERT/UPDATE/DELETE, only SELECT/INSERT on the logs). Unset: no grants (the
# embedded demo, and a development database where one role does everything).
DATABASE_APP_ROLE = env_str("IPPLAN_DB_APP_ROLE", "")
if DATABASE_APP_ROLE and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE_APP_ROLE):
    raise ImproperlyConfigured(
        "IPPLAN_DB_APP_ROLE must be a lower-case role name (letters, digits, underscores)."
    )

# The retention job (coordination/services/retention.py) deletes a closed plan's history and,
# later, its access log: append-only tables that only their owner may delete from, inside
# `log_maintenance`. So that job alone connects through a second alias as the owner role (or a
# role that is a member of it), given only to the worker by IPPLAN_RETENTION_DATABASE_URL.
# Unset: the job uses "default" (the embedded demo, a one-role development database); where
# default is the app role, the job then deletes nothing and tells the administrator.
RETENTION_DATABASE_URL = env_url(
    "IPPLAN_RETENTION_DATABASE_URL", "", schemes=["postgres", "postgresql"]
)
if RETENTION_DATABASE_URL:
    DATABASES["retention"] = database_from_url(RETENTION_DATABASE_URL)
    # Tests have one database (the suite switches roles with SET ROLE instead).
    DATABASES["retention"]["TEST"] = {"MIRROR": "default"}
IPPLAN_RETENTION_DATABASE = "retention" if RETENTION_DATABASE_URL else "default"

# Prepared statements: a query a connection has run DATABASE_PREPARE_THRESHOLD times is
# prepared on the server and not parsed and planned again (psycopg's automatic preparing, which
# needs server-side binding). Planning was most of the database's work for a page: the
# hand-written queries are short to run and long to plan. Switch it off behind a connection
# pooler in transaction mode that does not keep prepared statements (PgBouncer before 1.21,
# or without max_prepared_statements). ipplan.postgresql is Django's backend, binding on the
# client the rare statement with more parameters than server-side binding carries (65,535).
# https://docs.djangoproject.com/en/5.2/ref/databases/#server-side-parameters-binding
# https://www.psycopg.org/psycopg3/docs/advanced/prepare.html
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
DATABASE_PREPARE_THRESHOLD = env_int("DATABASE_PREPARE_THRESHOLD", 5, minimum=0)
if DATABASE_PREPARED_STATEMENTS:
    for _alias in DATABASES:
        if DATABASES[_alias]["ENGINE"] == "django.db.backends.postgresql":
            DATABASES[_alias]["ENGINE"] = "ipplan.postgresql"
            DATABASES[_alias]["OPTIONS"] = {
                **DATABASES[_alias]["OPTIONS"],
                "server_side_binding": True,
                "prepare_threshold": DATABASE_PREPARE_THRESHOLD,
            }

# --- Cache (login rate limits, TOTP replay protection) ----------------------------------------
# A real, shared cache: Redis when configured, otherwise a database table (`createcachetable`).
# Redis must never make a request fail or wait: every client gets short socket timeouts and no
# retries of its own; after a failure the cache falls back to a per-process memory cache for
# IPPLAN_REDIS_RETRY_SECONDS (ipplan/cache.py, ipplan/breaker.py).
# https://redis.readthedocs.io/en/stable/connections.html#connectionpool
REDIS_TIMEOUT = env_int("IPPLAN_REDIS_TIMEOUT_MS", 1000, minimum=100, maximum=30_000) / 1000
IPPLAN_REDIS_RETRY_SECONDS = env_int("IPPLAN_REDIS_RETRY_SECONDS", 15, minimum=1)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ipplan.cache.DegradingRedisCache",
            "LOCATION": env_url("REDIS_CACHE_URL", REDIS_URL, schemes=["redis", "rediss"]),
            "KEY_PREFIX": "ipplan",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
                "health_check_interval": 30,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ipplan_cache",
        }
    }

# --- Authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# https://django-guardian.readthedocs.io/en/stable/configuration.html
ANONYMOUS_USER_NAME = None  # no guardian "AnonymousUser" row: anonymous visitors get nothing
GUARDIAN_RAISE_403 = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "accounts.adapters.user_display"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "ipplan: "
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# Failed logins are limited per client address and account ("key": accounts.adapters makes it
# address + username), so that a guesser is stopped without locking the owner out from another
# address, and loosely per address alone: a whole municipal office shares one public IP.
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    "login_failed": "60/m/ip,5/5m/key",
    "reset_password": "60/m/ip,3/10m/key",
    "reauthenticate": "10/m/user",
}
# Behind a reverse proxy the client address comes from X-Forwarded-For; the count says how many
# proxies to trust (0: use REMOTE_ADDR).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("IPPLAN_TRUSTED_PROXY_COUNT", 0, minimum=0)

# https://docs.allauth.org/en/latest/mfa/configuration.html
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("IPPLAN_TOTP_ISSUER", "ipplan")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TRUST_ENABLED = False

# https://docs.allauth.org/en/latest/socialaccount/providers/openid_connect.html
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_ONLY = False
IDPORTEN_ISSUER = env_url("IDPORTEN_ISSUER", "", schemes=["https", "http"])
IDPORTEN_CLIENT_ID = env_str("IDPORTEN_CLIENT_ID", "")
IDPORTEN_CLIENT_SECRET = env_str("IDPORTEN_CLIENT_SECRET", "")
# ID-porten's levels, weakest first; tokens below the required level are refused.
IDPORTEN_ACR_LEVELS = ["idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high"]
IDPORTEN_REQUIRED_ACR = env_choice(
    "IDPORTEN_REQUIRED_ACR", IDPORTEN_ACR_LEVELS[1:], "idporten-loa-high"
)
IDPORTEN_ENABLED = bool(IDPORTEN_ISSUER and IDPORTEN_CLIENT_ID)
if IDPORTEN_ISSUER and not IDPORTEN_CLIENT_ID:
    raise ImproperlyConfigured("IDPORTEN_ISSUER is set but IDPORTEN_CLIENT_ID is not.")
# HelseID (Norsk helsenett) for health personnel: OpenID Connect with private_key_jwt, so a key
# instead of a secret (accounts.helseid). Off until the issuer, client id and key are given.
HELSEID_ISSUER = env_url("HELSEID_ISSUER", "", schemes=["https", "http"])
HELSEID_CLIENT_ID = env_str("HELSEID_CLIENT_ID", "")
HELSEID_KEY_FILE = env_str("HELSEID_KEY_FILE", "")
HELSEID_KEY_ID = env_str("HELSEID_KEY_ID", "")
HELSEID_REQUIRED_SECURITY_LEVEL = int(
    env_choice("HELSEID_REQUIRED_SECURITY_LEVEL", ["3", "4"], "4")
)
HELSEID_ENABLED = bool(HELSEID_ISSUER and HELSEID_CLIENT_ID and HELSEID_KEY_FILE)
_HELSEID_APP = {
    "provider_id": "helseid",
    "name": "HelseID",
    "client_id": HELSEID_CLIENT_ID,
    "secret": "",
    "settings": {
        "server_url": HELSEID_ISSUER,
        "oauth_pkce_enabled": True,
        "fetch_userinfo": False,
        "scope": [
            "openid",
            "profile",
            "helseid://scopes/identity/pid",
            "helseid://scopes/identity/security_level",
            "helseid://scopes/hpr/hpr_number",
        ],
        "auth_params": {"ui_locales": "nb"},
    },
}
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # The generic provider, with a subclass that adds a nonce and ID-porten's acr_values.
        "provider_class": "accounts.idporten.IDPortenProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "idporten",
                "name": "ID-porten",
                "client_id": IDPORTEN_CLIENT_ID,
                "secret": IDPORTEN_CLIENT_SECRET,
                "settings": {
                    "server_url": IDPORTEN_ISSUER,
                    "token_auth_method": "client_secret_post",
                    "oauth_pkce_enabled": True,
                    "fetch_userinfo": False,
                    "scope": ["openid", "profile"],
                    "auth_params": {"acr_values": IDPORTEN_REQUIRED_ACR, "ui_locales": "nb"},
                },
            }
        ]
        if IDPORTEN_ENABLED
        else [],
    }
}
if HELSEID_ENABLED:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(_HELSEID_APP)

# --- Sessions ------------------------------------------------------------------------------
# Idle timeout 30 minutes (sliding), absolute maximum 12 hours (ipplan.middleware), server-side
# sessions so that logout and deactivation end them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("IPPLAN_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# Not every request: ipplan.middleware.session_touch_middleware saves an unchanged session at
# most once a SESSION_TOUCH_SECONDS, which keeps the idle timeout to within that interval.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_MAX_AGE = timedelta(
    seconds=env_int("IPPLAN_SESSION_MAX_SECONDS", 12 * 3600, minimum=SESSION_COOKIE_AGE)
)
SESSION_COOKIE_HTTPONLY = True
# Flash messages live in the server-side session, never in a cookie of their own (the default
# cookie storage is signed but readable); they carry no user-entered text either.
# https://docs.djangoproject.com/en/5.2/ref/contrib/messages/#configuring-the-message-engine
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Browser and transport security -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page of ipplan uses, switched off for every response (static files,
# errors and downloads included): ipplan.middleware.permissions_policy_middleware.
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Permissions-Policy
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), bluetooth=(), browsing-topics=(), camera=(), "
    "display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), "
    "hid=(), idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-get=(self), screen-wake-lock=(), serial=(), "
    "usb=(), xr-spatial-tracking=()"
)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # container health checks call these over plain HTTP
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]
    if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this host, for path "/".
    SESSION_COOKIE_NAME = "__Host-ipplan-session"
    CSRF_COOKIE_NAME = "__Host-ipplan-csrf"
    LANGUAGE_COOKIE_NAME = "__Host-ipplan-language"

# https://django-csp.readthedocs.io/en/latest/configuration.html
_FORM_ACTION = [SELF]
if IDPORTEN_ISSUER:
    # The ID-porten login form posts here and is redirected to the issuer; Chromium checks
    # form-action against that redirect too.
    _issuer = urlsplit(IDPORTEN_ISSUER)
    _FORM_ACTION.append(f"{_issuer.scheme}://{_issuer.netloc}")
if HELSEID_ISSUER:
    _helseid = urlsplit(HELSEID_ISSUER)
    _FORM_ACTION.append(f"{_helseid.scheme}://{_helseid.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": _FORM_ACTION,
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    }
}

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language everywhere (ipplan/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["ipplan.formats"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------
# https://whitenoise.readthedocs.io/en/stable/django.html
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded documents live outside any public path and are served only by authorizing views.
PRIVATE_MEDIA_ROOT = Path(env_str("IPPLAN_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
