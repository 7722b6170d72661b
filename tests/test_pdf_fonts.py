"""PDF rendering keeps one font configuration per thread (renewed after an hour) instead of
WeasyPrint making one for every document; the documents still embed our fonts."""

from __future__ import annotations

import io
import threading

import pytest
from pypdf import PdfReader
from weasyprint.text import fonts as weasy_fonts

from ipplan import pdf

HTML = """<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Prøve</title>
<link rel="stylesheet" href="css/print.css"></head>
<body><h1>Plan</h1><p>Tekst {n}</p></body></html>"""


def _fonts_embedded(document: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(document)).pages[0]
    fonts = page["/Resources"]["/Font"]
    return {str(fonts[name].get_object()["/BaseFont"]).split("+")[-1] for name in fonts}


@pytest.fixture
def made(monkeypatch):
    """Counts the font configurations made, from a thread with none kept."""
    monkeypatch.setattr(pdf, "_fonts", threading.local())
    counted = []
    real = weasy_fonts.FontConfiguration.__init__

    def counting(self, *args, **kwargs):
        counted.append(threading.get_ident())
        real(self, *args, **kwargs)

    monkeypatch.setattr(weasy_fonts.FontConfiguration, "__init__", counting)
    return counted


def test_documents_share_the_threads_font_configuration_and_embed_our_fonts(made):
    first = pdf.html_to_pdf(HTML.format(n=1))
    second = pdf.html_to_pdf(HTML.format(n=2))
    assert len(made) == 1
    for document in (first, second):
        assert {"Inter", "Inter-Semi-Bold"} <= _fonts_embedded(document)


def test_another_thread_gets_its_own(made):
    pdf.html_to_pdf(HTML.format(n=1))
    other = threading.Thread(target=pdf.html_to_pdf, args=(HTML.format(n=2),))
    other.start()
    other.join()
    assert len(made) == 2 and made[0] != made[1]
    pdf.html_to_pdf(HTML.format(n=3))
    assert len(made) == 2


def test_a_kept_configuration_is_renewed_after_an_hour(made, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(pdf.time, "monotonic", lambda: clock[0])
    first = pdf.font_config()
    clock[0] += pdf.FONT_CONFIG_SECONDS
    assert pdf.font_config() is first
    clock[0] += 1
    assert pdf.font_config() is not first
    assert len(made) == 2
