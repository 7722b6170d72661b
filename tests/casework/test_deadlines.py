"""Deadlines: complaint deadlines by the decision's rule, moved past weekends and Norwegian
public holidays (from the `holidays` library), and the one-month interim-reply mark."""

import datetime

import pytest

from casework.deadlines import (
    complaint_deadline,
    interim_reply_due,
    is_working_day,
    next_working_day,
)

D = datetime.date


@pytest.mark.parametrize(
    ("notified_on", "weeks", "expected", "why"),
    [
        (D(2026, 9, 1), 4, D(2026, 9, 29), "an ordinary Tuesday"),
        (D(2026, 9, 5), 4, D(2026, 10, 5), "ends on Saturday 3 Oct: Monday"),
        (D(2026, 9, 6), 4, D(2026, 10, 5), "ends on Sunday 4 Oct: Monday"),
        (D(2026, 9, 5), 3, D(2026, 9, 28), "three weeks (fvl § 29), ends Saturday: Monday"),
        (D(2026, 3, 9), 4, D(2026, 4, 7), "ends Monday 6 April 2026 (Easter Monday)"),
        (D(2026, 3, 5), 4, D(2026, 4, 7), "ends on Maundy Thursday 2 April: past all of Easter"),
        (D(2026, 3, 6), 4, D(2026, 4, 7), "ends on Good Friday 3 April"),
        (D(2026, 4, 19), 4, D(2026, 5, 18), "ends on 17 May (Sunday in 2026): Monday 18"),
        (D(2027, 4, 19), 4, D(2027, 5, 18), "17 May 2027 is a Monday: Tuesday 18"),
        (D(2026, 4, 3), 4, D(2026, 5, 4), "ends on 1 May (Friday): Monday 4 May"),
        (D(2026, 4, 16), 3, D(2026, 5, 7), "three weeks to 7 May: an ordinary Thursday"),
        (D(2026, 4, 17), 4, D(2026, 5, 15), "ends on Ascension Day 14 May 2026: Friday 15"),
        (D(2026, 4, 27), 4, D(2026, 5, 26), "ends on Whit Monday 25 May 2026: Tuesday"),
        (D(2026, 11, 27), 4, D(2026, 12, 28), "ends Christmas Day (Friday): past the weekend"),
        (D(2026, 11, 28), 4, D(2026, 12, 28), "ends Boxing Day (Saturday): Monday 28"),
        (D(2026, 12, 4), 4, D(2027, 1, 4), "ends New Year's Day (Friday): Monday 4 January"),
        (D(2027, 11, 27), 4, D(2027, 12, 27), "Christmas Day 2027 is a Saturday"),
    ],
)
def test_complaint_deadline(notified_on, weeks, expected, why):
    assert complaint_deadline(notified_on, weeks) == expected, why


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 4, 2), False),  # Maundy Thursday
        (D(2026, 4, 3), False),  # Good Friday
        (D(2026, 4, 6), False),  # Easter Monday
        (D(2026, 4, 7), True),
        (D(2026, 5, 1), False),
        (D(2026, 5, 17), False),  # Sunday and Constitution Day
        (D(2027, 5, 17), False),  # Monday and Constitution Day
        (D(2026, 12, 24), True),  # Christmas Eve is not a public holiday
        (D(2026, 12, 25), False),
        (D(2026, 12, 26), False),
        (D(2026, 11, 24), True),
        (D(2026, 11, 28), False),  # Saturday
    ],
)
def test_working_days(day, working):
    assert is_working_day(day) is working


def test_a_working_day_is_its_own_next_working_day():
    assert next_working_day(D(2026, 11, 24)) == D(2026, 11, 24)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 9, 14), D(2026, 10, 14)),
        (D(2026, 1, 31), D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2026, 12, 15), D(2027, 1, 15)),
    ],
)
def test_an_interim_reply_is_due_a_month_after_receipt(received, due):
    assert interim_reply_due(received) == due
