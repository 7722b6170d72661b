import pytest
from django.urls import reverse

from ipplan import health


@pytest.mark.django_db
def test_it_reports_database_broker_and_cache(client, settings):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert body["broker"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_down(client, settings, monkeypatch):
    monkeypatch.setattr(health, "check_broker", lambda: health.ERROR)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"


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
