"""Reads gathered while a view runs and written once, when the response is a success.

A page declares what it shows (`pending(request, kind)` holds it for the request); the app's
middleware, built with `flush_after_success`, writes one log entry per object at the end. So a
page view is one entry, however many sections or helpers it reads through, and a 404, a refused
form or a crash writes no read at all.
"""

from __future__ import annotations

from collections.abc import Callable

ATTRIBUTE = "_ipplan_pending_reads"


def pending(request, kind: str) -> dict:
    """This request's reads of one kind ("plan", "case"), keyed by the object read."""
    return request.__dict__.setdefault(ATTRIBUTE, {}).setdefault(kind, {})


def is_success(response) -> bool:
    return 200 <= response.status_code < 300


def flush_after_success(kind: str, write: Callable) -> Callable:
    """A middleware that calls write(request, reads) once after a 2xx response, if any;
    `reads` is the dict that `pending` gave the views."""

    def factory(get_response):
        def middleware(request):
            response = get_response(request)
            reads = request.__dict__.get(ATTRIBUTE, {}).pop(kind, None)
            if reads and is_success(response) and request.user.is_authenticated:
                write(request, reads)
            return response

        return middleware

    return factory
