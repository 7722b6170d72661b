"""The home page: one page per person, whose parts match the roles they hold.

The frame imports no app. Each app adds its part of the page from its AppConfig.ready() with
`register_home_part`; the parts run in the order of INSTALLED_APPS (accounts, plans, consent,
coordination, casework), each reading what the earlier parts put in the context and adding
its own. The page itself is one template, templates/home.html.
"""

from __future__ import annotations

from collections.abc import Callable

from django.shortcuts import render

HomePart = Callable[..., dict]
_parts: list[HomePart] = []


def register_home_part(func: HomePart) -> HomePart:
    """`func(request, context)` returns what it adds to the home page's context."""
    if func not in _parts:
        _parts.append(func)
    return func


def home(request):
    context: dict = {}
    for part in _parts:
        context.update(part(request, context))
    return render(request, "home.html", context)
