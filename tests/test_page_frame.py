"""The frame every page shares (base.html): its head's static files, looked up once per
process (ipplan.context_processors.static_head), not on every page."""

from __future__ import annotations

import re

import pytest
from django.templatetags.static import static
from django.urls import reverse

from ipplan import context_processors
from ipplan.context_processors import HEAD_LINKS, HEAD_SCRIPTS

pytestmark = pytest.mark.django_db


def _head(page: str) -> str:
    return page.split("<head>", 1)[1].split("</head>", 1)[0]


def test_every_page_links_the_design_system_our_styles_and_scripts(client, owner, plan):
    client.force_login(owner)
    for url in (reverse("home"), plan.get_absolute_url(), reverse("consent:log", args=[plan.pk])):
        head = _head(client.get(url).content.decode())
        for _html, path in HEAD_LINKS:
            assert f'href="{static(path)}"' in head, (url, path)
        scripts = re.findall(r'<script src="([^"]+)" defer></script>', head)
        assert scripts == [static(path) for path in HEAD_SCRIPTS], url
        assert 'rel="stylesheet"' in head and 'rel="icon"' in head


def test_the_heads_static_urls_are_looked_up_once_per_process(client, owner, plan, monkeypatch):
    client.force_login(owner)
    looked_up = []

    def counting_static(path):
        looked_up.append(path)
        return static(path)

    monkeypatch.setattr(context_processors, "static", counting_static)
    context_processors.static_head.cache_clear()  # as a process that has shown no page yet
    first = _head(client.get(plan.get_absolute_url()).content.decode())
    for url in (reverse("home"), plan.get_absolute_url(), reverse("consent:log", args=[plan.pk])):
        assert context_processors.static_head() in _head(client.get(url).content.decode())
    assert sorted(looked_up) == sorted([p for _h, p in HEAD_LINKS] + list(HEAD_SCRIPTS))
    assert context_processors.static_head() in first
