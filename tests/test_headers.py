"""Security headers on every response, including errors; personal pages are never cached."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import SubPlan
from tests.plans.conftest import MINIMAL_PDF

ROOT = Path(__file__).resolve().parent.parent


def _assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "style-src 'self'",
    ):
        assert directive in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    _assert_permissions_policy(response)


def _assert_permissions_policy(response):
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_the_login_page_has_the_security_headers(client):
    _assert_security_headers(client.get(reverse("account_login")))


def test_an_authenticated_page_has_them_and_is_not_stored(client, owner):
    client.force_login(owner)
    _assert_security_headers(client.get(reverse("home")))


def test_a_404_has_them_and_uses_the_ipplan_page(client, owner):
    client.force_login(owner)
    response = client.get("/planer/finnes-ikke/")
    assert response.status_code == 404
    _assert_security_headers(response)
    assert "Vi fant ikke siden" in response.content.decode()


def test_a_500_shows_a_generic_page_without_the_stack_trace(client, owner, monkeypatch):
    from plans import home as views

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views, "plans_for_owner_side", boom)
    client.raise_request_exception = False
    client.force_login(owner)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Noe gikk galt" in body
    assert "secret internal detail" not in body and "Traceback" not in body
    _assert_security_headers(response)


def test_a_file_download_has_the_permissions_policy(
    client, coordinator, owner, plan, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(coordinator)
    client.post(
        reverse("plans:subplan_upload", args=[plan.pk]),
        {
            "kind": "training",
            "title": "Program",
            "file": SimpleUploadedFile("p.pdf", MINIMAL_PDF, "application/pdf"),
        },
    )
    client.force_login(owner)
    subplan = SubPlan.objects.get()
    response = client.get(reverse("plans:subplan_download", args=[plan.pk, subplan.pk]))
    assert response.status_code == 200
    _assert_permissions_policy(response)


@pytest.mark.django_db
def test_the_health_check_and_a_405_have_the_permissions_policy(client):
    _assert_permissions_policy(client.get(reverse("healthz")))
    _assert_permissions_policy(client.post(reverse("healthz")))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_with_the_project_config_sends_no_server_banner():
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "tests.support.tiny_wsgi:application",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    headers = response.headers
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert headers["Server"] is None
    assert "gunicorn" not in str(headers).lower()


def test_the_dockerfile_starts_gunicorn_with_the_project_config():
    assert '"--config", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
