"""/healthz: ok, degraded or down for everyone; which part is missing only for the installation's
operators (superusers) and for a monitor holding the configured token. /healthz/live and
/healthz/ready for container and load balancer checks."""

import pytest
from django.urls import reverse

from ipplan import health
from tests.factories import UserFactory

DETAILS = {
    "database",
    "broker",
    "cache",
    "worker_heartbeat_age_seconds",
    "beat_heartbeat_age_seconds",
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="drift", is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_it_tells_an_anonymous_caller_only_that_it_is_up(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_a_missing_broker_is_degraded_not_down(client, monkeypatch):
    monkeypatch.setattr(health, "check_broker", lambda: health.ERROR)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded"}


@pytest.mark.django_db
def test_it_tells_an_anonymous_caller_only_that_it_is_down(client, monkeypatch):
    monkeypatch.setattr(health, "check_database", lambda: health.ERROR)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "down"}


@pytest.mark.django_db
def test_liveness_and_readiness_answer_anonymously(client):
    assert client.get(reverse("healthz_live")).json() == {"status": "ok"}
    assert client.get(reverse("healthz_ready")).json() == {"status": "ok"}


def test_it_gives_no_details_to_a_logged_in_user_who_is_not_an_operator(
    client, administrator, coordinator
):
    for user in (administrator, coordinator):
        client.force_login(user)
        assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_it_reports_database_broker_and_cache_to_a_superuser(client, settings, superuser):
    client.force_login(superuser)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and set(body) >= DETAILS
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert body["broker"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")


@pytest.mark.django_db
def test_it_reports_the_part_that_is_down_to_a_monitor_with_the_token(
    client, settings, monkeypatch
):
    settings.IPPLAN_HEALTHZ_TOKEN = "overvaking-1234567890"
    monkeypatch.setattr(health, "check_broker", lambda: health.ERROR)
    response = client.get(reverse("healthz"), headers={"X-Health-Token": "overvaking-1234567890"})
    assert response.status_code == 200
    assert response.json()["broker"] == "error" and response.json()["status"] == "degraded"
    wrong = client.get(reverse("healthz"), headers={"X-Health-Token": "gjett"})
    assert wrong.json() == {"status": "degraded"}


@pytest.mark.django_db
def test_no_token_is_accepted_when_none_is_configured(client, settings):
    settings.IPPLAN_HEALTHZ_TOKEN = ""
    response = client.get(reverse("healthz"), headers={"X-Health-Token": ""})
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_a_real_unreachable_broker_is_reported(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from ipplan.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        assert health.check_broker() == health.ERROR
    finally:
        app.conf.broker_url = original
