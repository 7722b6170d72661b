"""Rows of hand-written queries, converted as the ORM converts them.

The pages that write their SQL by hand (issue 14: building an ORM query cost more CPU than
running it) still read values the way the ORM does: each column goes through the converters
SQLCompiler.get_converters would give it (SQLite's dates, times and booleans, time zones, JSON),
worked out once per connection and list of columns."""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from django.db.models import Field

# Per database connection: per list of columns, [(position, converters, column expression)].
_CONVERTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _converters(conn, columns: tuple[Field, ...]) -> list[tuple]:
    known = _CONVERTERS.setdefault(conn, {})
    found = known.get(columns)
    if found is None:
        found = []
        for i, field in enumerate(columns):
            col = field.get_col(field.model._meta.db_table)
            converters = conn.ops.get_db_converters(col) + field.get_db_converters(conn)
            if converters:
                found.append((i, converters, col))
        known[columns] = found
    return found


def converted(conn, columns: tuple[Field, ...], row: Sequence) -> list:
    """The row's values, each column's by the converters of its model field in `columns`."""
    values = list(row)
    for i, converters, col in _converters(conn, columns):
        for converter in converters:
            values[i] = converter(values[i], col, conn)
    return values
