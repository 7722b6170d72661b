"""The access log, as the owner's side reads it: who read or changed what, and when."""

from __future__ import annotations

import datetime

from django.shortcuts import render

from consent.forms import LogFilterForm
from consent.log_story import Reader, story_page
from consent.policy import plan_and_access_or_404
from consent.selectors import LogFilter, access_log_page, people_in_log
from consent.views.common import forbid_unless
from ipplan.forms import id_or_none, status_for

# Entries per page, told as days and people; "Eldre" gives the next. Fifty fill a phone's
# screen several times over (one line per person per day, each entry unfolding under "Vis hver
# enkelt"), and cost half of what a hundred cost to read, tell and send on every view.
LOG_PAGE_SIZE = 50


def access_log(request, plan_id):
    # The owner's side reading who read: not itself a read of the plan's contents.
    plan, access = plan_and_access_or_404(request.user, plan_id)
    forbid_unless(access.can_read_access_log)
    people = list(people_in_log(plan))
    form = LogFilterForm(request.GET or None, people=people)
    log_filter = LogFilter()
    if form.is_valid():
        data = form.cleaned_data
        log_filter = LogFilter(
            actor_id=data["person"],
            section=data["section"] or None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            hide_own=not data["include_own"],
        )
    cursor = _cursor(request.GET.get("etter"))
    reader = Reader(user_id=request.user.pk, is_owner=request.user.pk == plan.owner_id)
    rows, has_more = access_log_page(
        plan, request.user, log_filter, cursor, LOG_PAGE_SIZE, hides_withheld=access.hides_withheld
    )
    days, has_more, last = story_page(rows, has_more, reader)
    query = request.GET.copy()
    query.pop("etter", None)
    return render(
        request,
        "consent/log.html",
        {
            "plan": plan,
            "form": form,
            "filtered": form.is_bound,
            "reader": reader,
            "days": days,
            "entries": [e for day in days for line in day.lines for e in line.entries],
            "has_more": has_more,
            "day_goes_on": has_more and len(days) == 1,
            "next_cursor": _cursor_for(last) if has_more and last else "",
            "query": query.urlencode(),
            "first_page": cursor is None,
        },
        status=status_for(form),
    )


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


def _cursor_for(entry) -> str:
    """Exact (microseconds since 1970, id) of the last row shown: where the next page starts."""
    return f"{(entry.at - EPOCH) // MICROSECOND}_{entry.pk}"


def _cursor(raw: str | None):
    stamp, _sep, pk = (raw or "").partition("_")
    pk = id_or_none(pk)
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 20) or pk is None:
        return None
    try:
        return EPOCH + int(stamp) * MICROSECOND, pk
    except OverflowError:
        return None
