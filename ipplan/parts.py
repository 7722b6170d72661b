"""Parts of a page that apps on a higher floor add to a page of a lower one, so that the lower
one imports nothing from them: the home page (ipplan/home.py), the plan's page
(plans/extensions.py) and the coordinating unit's statistics (casework/statistics.py).

Each app registers a function in its AppConfig.ready(); `collect(**kwargs)` calls them in the
order they were registered (the order of INSTALLED_APPS) with the same keyword arguments and
merges the template context they return.
"""

from __future__ import annotations

from collections.abc import Callable


class Parts:
    def __init__(self) -> None:
        self._funcs: list[Callable[..., dict]] = []

    def register(self, func: Callable[..., dict]) -> Callable[..., dict]:
        if func not in self._funcs:
            self._funcs.append(func)
        return func

    def collect(self, *, into: dict | None = None, **kwargs) -> dict:
        """The merged context; with `into`, each part is added to that dict as it comes, so a
        later part can read what an earlier one added (pass it in kwargs too)."""
        context = {} if into is None else into
        for func in self._funcs:
            context.update(func(**kwargs))
        return context
