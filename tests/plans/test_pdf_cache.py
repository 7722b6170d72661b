"""The reader's plan PDF is made by a Celery task once per version of what they may see, kept
in the private storage, and served by the authorizing view; every download writes its
access-log entry. Until it is ready, the reader is told so on a page that works without
JavaScript."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from consent.models import AccessLogEntry
from plans.services import pdf as pdf_service
from plans.services.goals import goal_create
from plans.services.pdf import CACHE_DIR
from plans.tasks import make_plan_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """How many times WeasyPrint made a plan PDF."""
    made = []
    real = pdf_service.html_to_pdf

    def counting(html):
        made.append(1)
        return real(html)

    monkeypatch.setattr(pdf_service, "html_to_pdf", counting)
    return made


def _download(client, plan):
    response = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.getvalue()


def _stored(plan):
    folder = settings.PRIVATE_MEDIA_ROOT / CACHE_DIR / str(plan.pk)
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.pdf"))


def _exports(user):
    return AccessLogEntry.objects.filter(actor=user, action="export").count()


def test_the_second_download_of_the_same_version_is_not_made_again(client, owner, plan, renders):
    client.force_login(owner)
    first, second = _download(client, plan), _download(client, plan)
    assert first == second and first.startswith(b"%PDF-")
    assert len(renders) == 1
    assert _exports(owner) == 2  # every download is in the owner's access log


def test_a_write_makes_a_new_version_and_the_old_copy_goes(
    client, owner, coordinator, plan, renders
):
    client.force_login(owner)
    _download(client, plan)
    before = _stored(plan)
    goal_create(plan=plan, title="Gå tur med hunden", acting_user=coordinator)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(_download(client, plan))).pages)
    assert "Gå tur med hunden" in text
    assert len(renders) == 2
    after = _stored(plan)
    assert len(before) == len(after) == 1 and before != after


def test_each_reader_gets_their_own_copy(client, owner, coordinator, plan, renders):
    for user in (owner, coordinator):
        client.force_login(user)
        _download(client, plan)
    assert len(renders) == 2
    assert sorted(name.split("/")[0] for name in _stored(plan)) == sorted(
        [str(owner.pk), str(coordinator.pk)]
    )


def test_another_language_is_another_copy(client, owner, plan, renders):
    client.force_login(owner)
    _download(client, plan)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _download(client, plan)
    assert len(renders) == 2


def test_an_outsider_gets_404_and_nothing_is_made(client, stranger, plan, renders):
    client.force_login(stranger)
    assert client.get(reverse("plans:pdf", args=[plan.pk])).status_code == 404
    assert renders == [] and _stored(plan) == []


def test_while_the_worker_makes_it_the_reader_is_told_and_sees_no_plan_data(
    client, owner, coordinator, plan, monkeypatch
):
    goal_create(plan=plan, title="Hemmelig mål", acting_user=coordinator)
    queued = []
    monkeypatch.setattr(make_plan_pdf, "apply_async", lambda args, **kw: queued.append(args))
    client.force_login(owner)
    url = reverse("plans:pdf", args=[plan.pk])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "PDF-en lages" in body
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in body
    assert 'hx-trigger="every 3s"' in body and f'href="{url}"' in body
    assert "Hemmelig mål" not in body and _exports(owner) == 0
    client.get(url)  # asking again does not queue it twice
    assert len(queued) == 1
    assert "PDF-en er klar" not in client.get(url + "?status=1").content.decode()
    make_plan_pdf(*queued[0])  # the worker
    assert "PDF-en er klar" in client.get(url + "?status=1").content.decode()
    assert _download(client, plan).startswith(b"%PDF-") and _exports(owner) == 1


def test_with_the_broker_down_the_pdf_is_made_in_the_request(client, owner, plan, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(make_plan_pdf, "apply_async", refuse)
    client.force_login(owner)
    assert _download(client, plan).startswith(b"%PDF-")


def test_the_stored_copy_is_private_and_tagged(client, owner, plan):
    client.force_login(owner)
    pdf = _download(client, plan)
    (name,) = _stored(plan)  # under the private media root, like archive copies
    assert name == f"{owner.pk}/{name.split('/')[1]}" and name.endswith(".pdf")
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root


def test_a_copy_already_made_is_found_without_rendering_the_plan(client, owner, plan, renders):
    """The key comes from the plan's content stamp and the reader's access, not from the print
    HTML: the second download renders no print template at all."""
    client.force_login(owner)
    first = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert "plans/pdf/plan.html" in [t.name for t in first.templates]
    second = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert second.status_code == 200
    assert "plans/pdf/plan.html" not in [t.name for t in second.templates]
    assert len(renders) == 1


def test_each_reader_and_each_write_make_another_key(client, owner, coordinator, plan, renders):
    """Another reader, or a write, is another key (the access is part of it)."""
    from plans.access import plan_access

    before = pdf_service.plan_pdf_key(plan, plan_access(coordinator, plan))
    assert before != pdf_service.plan_pdf_key(plan, plan_access(owner, plan))
    goal_create(plan=plan, title="Nytt mål", acting_user=coordinator)
    assert before != pdf_service.plan_pdf_key(plan, plan_access(coordinator, plan))
