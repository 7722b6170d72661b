"""PDF/A from a print template, rendered by WeasyPrint: the plan, letters, complaint files.

Rendering fetches nothing from the network: the only resources it can load are ipplan's own
static files (stylesheet and fonts), through StaticOnlyFetcher.
"""

from __future__ import annotations

import io
import mimetypes
import threading
import time
from functools import lru_cache
from pathlib import Path

import weasyprint
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from fontTools.ttLib import woff2
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A base URL that can never be fetched (.invalid is reserved): every relative reference in the
# print template resolves under it and is served from the static files, or refused.
STATIC_BASE = "https://static.ipplan.invalid/"
# PDF/A-3a: the archival format at its accessible level, tagged (structure, headings, reading
# order and the document language), so a screen reader can read the plan and the letters.
PDF_VARIANT = "pdf/a-3a"


class BlockedResource(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_BASE):
            raise BlockedResource(f"PDF rendering may not fetch {url}")
        relative = url[len(STATIC_BASE) :].split("?")[0]
        if ".." in Path(relative).parts:
            raise BlockedResource(f"no static file {relative}")
        found = finders.find(relative)
        if not found:
            raise BlockedResource(f"no static file {relative}")
        if found.endswith(".woff2"):
            return URLFetcherResponse(url, _font_as_sfnt(found), {"Content-Type": "font/ttf"})
        mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": mime})


@lru_cache(maxsize=16)
def _font_as_sfnt(path: str) -> bytes:
    """A WOFF2 font decompressed once per process: WeasyPrint decompresses every web font it
    is given on every document (about a quarter of a second for each of the print stylesheet's
    four fonts), and takes the plain font as it is."""
    out = io.BytesIO()
    woff2.decompress(io.BytesIO(Path(path).read_bytes()), out)
    return out.getvalue()


_fonts = threading.local()
# A kept font configuration is renewed after this long: its fonts live in a temporary folder,
# which a system's cleaner of old temporary files (days) must never find old.
FONT_CONFIG_SECONDS = 3600


def font_config() -> FontConfiguration:
    """The thread's font configuration, kept for an hour. Given none, WeasyPrint makes one for
    every document: it loads the system's font configuration, writes each of the stylesheet's
    fonts to a temporary file and registers it, and lays the text out with cold font caches
    (about a tenth of a large plan's PDF). A kept one registers each font once (it knows a font
    by its @font-face descriptors) and keeps its caches warm. One per thread, as Fontconfig
    and Pango objects are not to be shared between threads."""
    now = time.monotonic()
    kept = getattr(_fonts, "kept", None)
    if kept is None or now - kept[1] > FONT_CONFIG_SECONDS:
        kept = _fonts.kept = (FontConfiguration(), now)
    return kept[0]


def render_pdf(template: str, context: dict) -> bytes:
    """Title, author and language come from the template's <title>, <meta> and lang."""
    return html_to_pdf(render_to_string(template, context))


def html_to_pdf(html: str) -> bytes:
    document = weasyprint.HTML(
        string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher(fail_on_errors=True)
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, font_config=font_config())
