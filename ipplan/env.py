"""Typed access to environment variables for settings.

Every helper fails loudly (ImproperlyConfigured, naming the variable) on a value it cannot
parse, so a typo in production configuration stops the process at start-up instead of
silently falling back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _missing(name: str, default: object) -> object:
    if default is _MISSING:
        raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
    return default


def env_str(name: str, default: object = _MISSING, *, environ=None):
    value = _raw(name, environ)
    return _missing(name, default) if value is None else value


def env_bool(name: str, default: object = _MISSING, *, environ=None):
    value = _raw(name, environ)
    if value is None:
        return _missing(name, default)
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: object = _MISSING, *, minimum=None, maximum=None, environ=None):
    value = _raw(name, environ)
    if value is None:
        return _missing(name, default)
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum {maximum}.")
    return number


def env_list(name: str, default: object = _MISSING, *, environ=None):
    value = _raw(name, environ)
    if value is None:
        return _missing(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: Iterable[str], default: object = _MISSING, *, environ=None):
    allowed = tuple(choices)
    value = _raw(name, environ)
    if value is None:
        return _missing(name, default)
    if value not in allowed:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(allowed)}.")
    return value


def env_url(name: str, default: object = _MISSING, *, schemes: Iterable[str], environ=None):
    value = _raw(name, environ)
    if value is None:
        return _missing(name, default)
    parts = urlsplit(value)
    allowed = tuple(schemes)
    if parts.scheme not in allowed or not (parts.netloc or parts.path):
        expected = " or ".join(allowed)
        raise ImproperlyConfigured(
            f"{name} must be a URL with scheme {expected} (got scheme {parts.scheme!r})."
        )
    return value


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry (PostgreSQL via psycopg 3, or SQLite)."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. .../ipplan.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured("DATABASE_URL has an invalid port.") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
        }
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise ImproperlyConfigured(
                "DATABASE_URL for SQLite needs a path: sqlite:////abs/file.db"
            )
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": Path(path), "OPTIONS": options}
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported (use postgres:// or sqlite://)."
    )
