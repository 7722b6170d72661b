"""Every URL pattern of the project as a concrete path, for tests that walk them all."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLResolver, get_resolver

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
SAMPLE_BY_NAME = {"provider_id": "idporten", "uidb36": "1", "key": "abc", "app_label": "accounts"}


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    kwargs: tuple[str, ...]


def _concrete(pattern: str, sample: str) -> tuple[str, list[str]]:
    names: list[str] = []

    def route_param(match):
        names.append(match["name"])
        return SAMPLE_BY_NAME.get(match["name"], sample)

    def regex_group(match):
        names.append(match["name"])
        return SAMPLE_BY_NAME.get(match["name"], sample)

    path = _ROUTE_PARAM.sub(route_param, pattern)
    path = _REGEX_GROUP.sub(regex_group, path)
    path = path.replace("^", "").replace("$", "").replace(".*", "")
    return path, names


def all_routes(sample: str = "1") -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
                continue
            path, names = _concrete(prefix + str(entry.pattern), sample)
            name = entry.name or f"<unnamed /{path}>"
            routes.append(
                Route(f"{namespace}:{name}" if namespace else name, "/" + path, tuple(names))
            )

    walk(get_resolver().url_patterns, "", None)
    return routes


def project_routes(sample: str = "1") -> list[Route]:
    """Only ipplan's own pages (not allauth's, Django admin's or the health check)."""
    own = ("accounts:", "plans:", "coordination:", "casework:", "complaints:", "consent:")
    return [r for r in all_routes(sample) if r.name.startswith(own) or r.name == "home"]
