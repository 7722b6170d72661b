"""The settings module: typed environment helpers and the production deploy check."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ipplan.env import database_from_url, env_bool, env_choice, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-1234567890-abcdefghijkl",
    "DJANGO_ALLOWED_HOSTS": "ipplan.example.no",
    "DATABASE_URL": "postgres://ipplan:secret@db:5432/ipplan",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_HOST": "smtp.example.no",
    "IPPLAN_DATA_KEY": "another-long-random-key-for-identity-numbers-0987654321",
    "IPPLAN_SITE_URL": "https://ipplan.example.no",
}


@pytest.mark.parametrize("raw", ["1", "true", "YES", "on"])
def test_booleans_accept_the_usual_spellings_of_true(raw):
    assert env_bool("X", environ={"X": raw}) is True


def test_a_misspelt_boolean_stops_start_up_with_the_variable_name():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", environ={"DJANGO_DEBUG": "ja"})


def test_integers_are_range_checked():
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("N", environ={"N": "10"}, minimum=60)
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("N", environ={"N": "ten"})


def test_a_required_variable_that_is_missing_is_named():
    with pytest.raises(ImproperlyConfigured, match="SECRET"):
        env_list("SECRET", environ={})


def test_choices_and_urls_are_checked():
    with pytest.raises(ImproperlyConfigured, match="not one of"):
        env_choice("DJANGO_ENV", ["development", "production"], environ={"DJANGO_ENV": "prod"})
    with pytest.raises(ImproperlyConfigured, match="scheme"):
        env_url("REDIS_URL", schemes=["redis"], environ={"REDIS_URL": "http://x"})


def test_database_url_becomes_a_psycopg_postgresql_entry():
    db = database_from_url("postgres://user:p%40ss@db.example:5433/ipplan?sslmode=require")
    assert db == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "ipplan",
        "USER": "user",
        "PASSWORD": "p@ss",
        "HOST": "db.example",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }


def test_an_unsupported_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        database_from_url("mysql://x@y/z")


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IPPLAN_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_refuses_debug():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "1"})
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_embedded_defaults_use_sqlite_eager_celery_and_console_email():
    result = _manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.EMBEDDED_MODE)",
        env={},
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
    ], result.stderr


def test_database_and_redis_urls_switch_off_the_embedded_mode():
    result = _manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'], "
        "s.EMBEDDED_MODE)",
        env={"DATABASE_URL": "postgres://u@h/db", "REDIS_URL": "redis://127.0.0.1:6379/3"},
    )
    assert result.stdout.split() == [
        "ipplan.postgresql",  # Django's backend, with prepared statements (server-side binding)
        "False",
        "redis://127.0.0.1:6379/3",
        "ipplan.cache.DegradingRedisCache",  # Redis, degrading to memory (ipplan/cache.py)
        "False",
    ], result.stderr


def _database_settings(env):
    result = _manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "import json; from django.conf import settings as s; "
        "print(json.dumps({a: [d['ENGINE'], d['OPTIONS']] for a, d in s.DATABASES.items()}))",
        env=env,
    )
    return json.loads(result.stdout), result.stderr


def test_postgresql_prepares_repeated_queries_on_the_server_unless_switched_off():
    urls = {
        "DATABASE_URL": "postgres://u@h/db?sslmode=require",
        "IPPLAN_RETENTION_DATABASE_URL": "postgres://owner@h/db",
    }
    prepared, stderr = _database_settings(urls)
    assert prepared == {
        alias: [
            "ipplan.postgresql",
            {**extra, "server_side_binding": True, "prepare_threshold": 5},
        ]
        for alias, extra in (("default", {"sslmode": "require"}), ("retention", {}))
    }, stderr
    sooner, stderr = _database_settings({**urls, "DATABASE_PREPARE_THRESHOLD": "2"})
    assert sooner["default"][1]["prepare_threshold"] == 2, stderr
    # Behind a pooler that cannot keep prepared statements: Django's backend, client binding.
    off, stderr = _database_settings({**urls, "DATABASE_PREPARED_STATEMENTS": "false"})
    assert off == {
        "default": ["django.db.backends.postgresql", {"sslmode": "require"}],
        "retention": ["django.db.backends.postgresql", {}],
    }, stderr
    embedded, stderr = _database_settings({})
    assert embedded["default"][0] == "django.db.backends.sqlite3", stderr
    assert "server_side_binding" not in embedded["default"][1]


def test_time_zone_and_languages(settings):
    assert settings.TIME_ZONE == "Europe/Oslo"
    assert settings.LANGUAGE_CODE == "nb"
    assert [code for code, _ in settings.LANGUAGES] == ["nb", "en"]


def test_production_hashes_passwords_with_argon2_while_the_suite_uses_a_fast_hasher():
    from django.conf import settings as active
    from django.contrib.auth.hashers import get_hasher

    import ipplan.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hasher("default").algorithm == "md5"
    assert active.PASSWORD_HASHERS != production.PASSWORD_HASHERS
