"""Rows of hand-written queries, converted as the ORM converts them.

The pages that write their SQL by hand (issue 14: building an ORM query cost more CPU than
running it) still read values the way the ORM does: each column goes through the converters
SQLCompiler.get_converters would give it (SQLite's dates, times and booleans, time zones, JSON),
worked out once per connection and list of columns."""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence

from django.core.paginator import Page, Paginator
from django.db import connections
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
    return next(converted_rows(conn, columns, [row]))


def converted_rows(conn, columns: tuple[Field, ...], rows) -> Iterator[list]:
    """converted() for each row, the converters looked up once for all of them. `conn` may be
    django.db.connection (a proxy) or the connection itself."""
    conn = connections[conn.alias]
    plan = _converters(conn, columns)
    for row in rows:
        values = list(row)
        for i, converters, col in plan:
            for converter in converters:
                values[i] = converter(values[i], col, conn)
        yield values


# The highest page number a hand-paged list asks the database for: a larger one is past the
# end whatever the list (its OFFSET would overflow PostgreSQL's bigint long before that).
MAX_PAGE = 1_000_000


def _page_wanted(number) -> int:
    """The page a `?page=` value asks for, read as Paginator.get_page reads it: no value or
    not a number is the first page; the caller shows the last page for one past the end."""
    try:
        wanted = int(number) if number not in (None, "") else 1
    except (TypeError, ValueError):
        return 1
    return min(wanted, MAX_PAGE)


def hand_page(fetch, number, per_page: int, total_at: int) -> tuple[Page, list]:
    """One page of a list queried by hand, as Paginator.get_page(number) gives it: the page
    and its rows. `fetch(limit, offset)` runs the list's query; each row carries the list's
    total at `total_at`. Past the last page (or before the first) it is the last page, which
    one row asked for first tells where it is."""
    wanted = _page_wanted(number)
    rows = fetch(per_page, (wanted - 1) * per_page) if wanted >= 1 else []
    if not rows and wanted != 1:
        last = fetch(1, 0)
        total = last[0][total_at] if last else 0
        wanted = max((total + per_page - 1) // per_page, 1)
        if total:
            rows = fetch(per_page, (wanted - 1) * per_page)
    paginator = Paginator([], per_page)
    paginator.count = rows[0][total_at] if rows else 0
    return paginator.page(wanted if rows else 1), rows
