from __future__ import annotations

from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# The page head's static files (base.html): the favicon, the design system, our stylesheets and
# scripts. The same on every page of a running process.
HEAD_LINKS = (
    ('<link rel="icon" href="{}" type="image/svg+xml">', "favicon.svg"),
    ('<link rel="stylesheet" href="{}">', "vendor/designsystemet/theme.css"),
    ('<link rel="stylesheet" href="{}">', "vendor/designsystemet/designsystemet.css"),
    ('<link rel="stylesheet" href="{}">', "css/fonts.css"),
    ('<link rel="stylesheet" href="{}">', "css/ipplan.css"),
)
HEAD_SCRIPTS = ("vendor/htmx/htmx.min.js", "js/ipplan.js")


@cache
def static_head() -> SafeString:
    """The head's links and scripts, with their (hashed) URLs looked up once per process rather
    than seven times on every page: that was a fifth of rendering the page frame (issue 14)."""
    links = format_html_join(
        "\n  ", "{}", ((format_html(html, static(path)),) for html, path in HEAD_LINKS)
    )
    scripts = format_html_join(
        "\n  ", '<script src="{}" defer></script>', ((static(path),) for path in HEAD_SCRIPTS)
    )
    return format_html("{}\n  {}", links, scripts)


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "IDPORTEN_ENABLED": settings.IDPORTEN_ENABLED,
        "HELSEID_ENABLED": settings.HELSEID_ENABLED,
        "STATIC_HEAD": static_head(),
    }
