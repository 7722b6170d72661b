"""The production shape in docker-compose.yml and the Dockerfile (no Docker engine runs on
the CI machine, so the files are checked here and the images are built elsewhere)."""

import os
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_web_worker_beat_postgres_and_redis_with_health_checks():
    services = compose()["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert '"gunicorn", "ipplan.wsgi:application"' in (ROOT / "Dockerfile").read_text()
    assert services["worker"]["command"][:3] == ["celery", "-A", "ipplan"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_the_app_runs_in_production_mode_against_postgres_and_redis():
    env = compose()["x-app"]["environment"]
    assert env["DJANGO_ENV"] == "production"
    assert (
        env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    )
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    for secret in ("DJANGO_SECRET_KEY", "IPPLAN_DATA_KEY", "POSTGRES_PASSWORD"):
        assert f"${{{secret}:?" in (ROOT / "docker-compose.yml").read_text(), secret


def test_the_image_never_downloads_a_browser_or_uses_a_cdn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "playwright install" not in dockerfile
    assert "USER ipplan" in dockerfile
    templates = "".join(p.read_text() for p in (ROOT / "templates").rglob("*.html"))
    assert "cdn." not in templates and "https://" not in templates.replace(
        "https://static.ipplan.invalid/", ""
    )


def _database_user(service):
    """The role in a service's DATABASE_URL, checking that its password comes from the
    variable named for that role."""
    url = service["environment"]["DATABASE_URL"]
    match = re.fullmatch(r"postgres://(\w+):\$\{(\w+):\?[^}]*\}@postgres:5432/ipplan", url)
    assert match, url
    user, password = match.groups()
    assert password == {"ipplan_app": "IPPLAN_DB_APP_PASSWORD"}.get(
        user, "IPPLAN_DB_OWNER_PASSWORD"
    )
    return user


def test_web_worker_and_beat_connect_as_the_app_role_and_only_migrate_as_the_owner():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        assert _database_user(services[name]) == "ipplan_app", name
        assert "IPPLAN_DB_OWNER_PASSWORD" not in str(services[name]), name
        assert "POSTGRES_PASSWORD" not in str(services[name]), name
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    migrate = services["migrate"]
    assert _database_user(migrate) == "ipplan_owner"
    assert migrate["environment"]["IPPLAN_DB_APP_ROLE"] == "ipplan_app"
    assert migrate["environment"]["DJANGO_ENV"] == "production"
    command = " ".join(migrate["command"])
    assert "manage.py migrate --noinput && python manage.py grant_app_role --check" in command
    assert migrate["restart"] == "no"


def test_postgres_creates_the_owner_and_app_roles_on_its_first_start():
    postgres = compose()["services"]["postgres"]
    assert "./docker/postgres-init:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    env = postgres["environment"]
    assert env["POSTGRES_USER"] not in {"ipplan_owner", "ipplan_app"}
    assert f"-U {env['POSTGRES_USER']} " in " ".join(postgres["healthcheck"]["test"])
    for secret in ("POSTGRES_PASSWORD", "IPPLAN_DB_OWNER_PASSWORD", "IPPLAN_DB_APP_PASSWORD"):
        assert env[secret] == f"${{{secret}:?set {secret}}}"
    script = ROOT / "docker/postgres-init/10-ipplan-roles.sh"
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert "${IPPLAN_DB_OWNER_ROLE:-ipplan_owner}" in text
    assert "${IPPLAN_DB_APP_ROLE:-ipplan_app}" in text
    for role in ('"owner"', '"app"'):
        assert f"CREATE ROLE :{role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" in text
    assert 'ALTER DATABASE :"db" OWNER TO :"owner";' in text
    assert 'GRANT USAGE ON SCHEMA public TO :"app";' in text
    assert "GRANT CREATE" not in text and 'OWNER TO :"app"' not in text


def test_services_stop_cleanly_and_degrade_without_redis():
    """Issue 10, points 4 and 7: stop grace for the web's requests and the worker's task in
    hand; web is ready on the database alone; beat's check needs neither web nor Redis."""
    services = compose()["services"]
    assert services["web"]["stop_grace_period"] == "30s"
    assert services["worker"]["stop_grace_period"] == "60s"
    assert "/healthz/ready" in " ".join(services["web"]["healthcheck"]["test"])
    beat_check = " ".join(services["beat"]["healthcheck"]["test"])
    assert "web:" not in beat_check and "beat_health" in beat_check
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["redis"]["condition"] == "service_started", name


def test_the_worker_reconnects_to_the_broker_forever_with_short_timeouts(settings):
    from ipplan.celery import app

    assert app.conf.broker_connection_max_retries is None
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_timeout"] <= 1 and options["socket_connect_timeout"] <= 1
    assert settings.IPPLAN_OUTBOX_SWEEP_SECONDS <= 10


def test_the_image_can_back_up_and_restore():
    assert "postgresql-client" in (ROOT / "Dockerfile").read_text()
