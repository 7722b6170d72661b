"""Deadlines in casework: the complaint deadline (by the decision's rule), moved to the next
working day when it ends on a Saturday, Sunday or public holiday (the forvaltningsloven's rule
on computing time limits), and the one-month mark for an interim reply (legal reference
"interim_reply"). Norwegian public holidays come from the maintained
`holidays` library, not a hand list."""

from __future__ import annotations

import datetime
from functools import cache

import holidays
from dateutil.relativedelta import relativedelta
from django.db.models import DateField, Func, IntegerField


@cache
def _norwegian_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NO", years=year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def complaint_deadline(notified_on: datetime.date, weeks: int) -> datetime.date:
    """The last day to complain: `weeks` after the person received the decision."""
    return next_working_day(notified_on + datetime.timedelta(weeks=weeks))


def interim_reply_due(received_on: datetime.date) -> datetime.date:
    """Undecided a month after receipt: the person is owed an interim reply (legal reference
    "interim_reply")."""
    return received_on + relativedelta(months=1)


def interim_reply_due_before(today: datetime.date) -> datetime.date:
    """The same rule as a cut-off for database filters: a case received before this date and
    still undecided is owed an interim reply today."""
    return today - relativedelta(months=1)


class InterimReplyDue(Func):
    """interim_reply_due() in SQL, for aggregates over many cases: one month after the date,
    clamped to the last day of a shorter month (31 January -> 28 February), as relativedelta
    does. PostgreSQL's date + interval '1 month' clamps the same way; SQLite's date() does
    not (31 January -> 3 March), so there the end of the next month caps it."""

    arity = 1
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        template = "(%(expressions)s + interval '1 month')::date"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        date, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"min(date({date}, '+1 month'), date({date}, 'start of month', '+2 months', '-1 day'))"
        )
        return sql, (*params, *params)


class DaysBetween(Func):
    """(later - earlier) in whole days, for aggregates over many cases: an integer column in
    PostgreSQL (date - date), where Django's date subtraction gives an interval, slower to
    sort and group by."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "CAST(julianday(%(expressions)s) AS INTEGER)"
        return super().as_sql(
            compiler,
            connection,
            template=template,
            arg_joiner=") - julianday(",
            **extra_context,
        )
