"""The home page: one page per person, whose parts match the roles they hold.

The frame imports no app. Each app adds its part of the page from its AppConfig.ready() with
`register_home_part`; the parts run in the order of INSTALLED_APPS (accounts, plans, consent,
coordination, casework), each reading what the earlier parts put in the context and adding
its own. The page itself is one template, templates/home.html.
"""

from __future__ import annotations

from collections.abc import Callable

from django.shortcuts import render

from ipplan.parts import Parts

_parts = Parts()


def register_home_part(func: Callable[..., dict]) -> Callable[..., dict]:
    """`func(request, context)` returns what it adds to the home page's context."""
    return _parts.register(func)


def home(request):
    context: dict = {}
    _parts.collect(into=context, request=request, context=context)
    return render(request, "home.html", context)
