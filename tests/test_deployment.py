"""The production shape in docker-compose.yml and the Dockerfile (no Docker engine runs on
the CI machine, so the files are checked here and the images are built elsewhere)."""

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
