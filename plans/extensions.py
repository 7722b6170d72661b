"""Hooks for apps above plans to add to a plan's page without plans importing them.

coordination (meetings, messages) registers a function in its AppConfig.ready(); the plan
page calls every registered function with the plan, the viewer's access and the viewer, and
merges what they return into its template context.
"""

from __future__ import annotations

from collections.abc import Callable

from ipplan.parts import Parts

_overview = Parts()


def register_overview_extension(func: Callable) -> Callable:
    return _overview.register(func)


def overview_extensions(plan, access, user) -> dict:
    return _overview.collect(plan=plan, access=access, user=user)
