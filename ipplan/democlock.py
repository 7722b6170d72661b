"""The demo's clock: seeded history is made by the real services, run as if on the day it
happened, so a seeded letter, the case log and the pages all tell the same dates.

Only `manage.py seed_demo` uses this. Every service reads the time through
`django.utils.timezone.now` (and `localdate`, which calls it), so moving that one function moves
them all: a letter written on day -85 is dated then, its complaint deadline counts from then,
and the log says "created" on the day the application came in.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager

from django.apps import apps
from django.utils import timezone

_real_now = timezone.now


def demo_moment(days: int, hour: int = 10) -> datetime.datetime:
    """`days` from today (negative: in the past), at `hour` o'clock local time."""
    day = timezone.localdate(_real_now()) + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@contextmanager
def demo_day(days: int, hour: int = 10):
    """Run the block as if it were `days` from today at `hour`; time still runs forward inside
    it, so rows made in the block keep their order."""
    start, moment = _real_now(), demo_moment(days, hour)

    def shifted_now() -> datetime.datetime:
        return moment + (_real_now() - start)

    # Fields with `default=timezone.now` hold the function itself, not its name.
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.default is _real_now
    ]
    timezone.now = shifted_now
    _set_default(fields, shifted_now)
    try:
        yield moment
    finally:
        timezone.now = _real_now
        _set_default(fields, _real_now)


def _set_default(fields, default) -> None:
    for field in fields:
        field.default = default
        # Field caches the callable it returns for its default (a cached_property).
        field.__dict__.pop("_get_default", None)
