"""Uploaded PDFs that could run a script, start a program, open an address or send a form are
refused with a clear message; a clean PDF still uploads. The files are made here with pypdf."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.annotations import Link
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from ipplan.files import PDF_ACTIVE_CONTENT, check_upload
from plans.models import SubPlan


def _pdf(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if build is not None:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _javascript(writer):
    writer.add_open_action(JavaScript("app.alert('hei');"))


def _open_launch(writer):
    launch = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(launch)


def _uri_link(writer):
    writer.add_annotation(0, Link(rect=(10, 10, 100, 30), url="https://angriper.example/"))


def _page_open_action(writer):
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/SubmitForm"),
            NameObject("/F"): TextStringObject("https://angriper.example/"),
        }
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})


ACTIVE = {
    "javascript": _javascript,
    "launch on open": _open_launch,
    "uri link": _uri_link,
    "page action": _page_open_action,
}


def _upload(data: bytes, name="dokument.pdf"):
    return SimpleUploadedFile(name, data, "application/pdf")


@pytest.mark.parametrize("kind", ACTIVE)
def test_it_refuses_a_pdf_with_active_content(kind):
    with pytest.raises(ValidationError) as refused:
        check_upload(_upload(_pdf(ACTIVE[kind])))
    assert refused.value.messages == [str(PDF_ACTIVE_CONTENT)]


def _with_xref_stream(body: bytes) -> bytes:
    """Appends a cross-reference stream: object 1 lives in object stream 3, 2 and 3 are plain."""
    offset = len(body)
    entries = [
        bytes([0, 0, 0, 255]),
        bytes([2, 0, 3, 0]),
        bytes([1]) + body.index(b"2 0 obj").to_bytes(2, "big") + b"\0",
        bytes([1]) + body.index(b"3 0 obj").to_bytes(2, "big") + b"\0",
        bytes([1]) + offset.to_bytes(2, "big") + b"\0",
    ]
    data = b"".join(entries)
    xref = (
        b"4 0 obj<</Type/XRef/Size 5/W[1 2 1]/Root 1 0 R/Length "
        + str(len(data)).encode()
        + b">>stream\n"
        + data
        + b"\nendstream endobj\n"
    )
    return body + xref + b"startxref\n" + str(offset).encode() + b"\n%%EOF\n"


def test_it_finds_an_action_whose_name_is_not_in_the_raw_bytes():
    # Names inside a compressed object stream are invisible to a byte search; the object walk
    # finds them. Here the stream is a FlateDecode-compressed object stream made by hand.
    import zlib

    objects = b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>"
    header = b"1 0 "
    stream = zlib.compress(header + objects)
    body = (
        b"%PDF-1.5\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</Type/ObjStm/N 1/First " + str(len(header)).encode() + b"/Filter/FlateDecode"
        b"/Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream endobj\n"
    )
    assert b"/JavaScript" not in body
    data = _with_xref_stream(body)
    reader = PdfReader(io.BytesIO(data))
    assert "/OpenAction" in reader.trailer["/Root"]
    with pytest.raises(ValidationError):
        check_upload(_upload(data))


def test_it_refuses_active_names_in_a_pdf_whose_structure_is_broken():
    broken = b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/J#61vaScript/JS(x)>>>>endobj\n%%EOF"
    with pytest.raises(ValidationError):
        check_upload(_upload(broken))


def test_it_accepts_a_clean_pdf():
    assert check_upload(_upload(_pdf())) == ("application/pdf", ".pdf")


@pytest.fixture
def uploads(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def _post(client, plan, data):
    return client.post(
        reverse("plans:subplan_upload", args=[plan.pk]),
        {"kind": "training", "title": "Program", "file": _upload(data)},
    )


def test_it_shows_the_refusal_on_the_upload_page_and_stores_nothing(
    client, coordinator, plan, uploads
):
    client.force_login(coordinator)
    response = _post(client, plan, _pdf(_javascript))
    assert response.status_code == 400
    assert str(PDF_ACTIVE_CONTENT) in response.content.decode()
    assert not SubPlan.objects.exists() and not any(uploads.rglob("*.*"))
    assert _post(client, plan, _pdf()).status_code == 302
    assert SubPlan.objects.count() == 1
