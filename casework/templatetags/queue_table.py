"""`{% queue_table cases %}`: the work queue table's head and rows, from the page's cases
(casework.selectors.QueuedCase). A page holds 50 cases; rendered cell by cell by the template
engine (about twenty nodes, each looked up, escaped and rendered, for every row) the rows were
most of the page's time at XL, several times the floor view's (issue 14). Here everything that
is the same on every row is worked out once per page: the column labels, the choice lists (a
model's get_FOO_display rebuilds and translates its choices on every call), the link (one
reverse(): the links differ only in the case id) and the tags; each date is formatted once.
Every value is escaped."""

from __future__ import annotations

from html import escape as _escape

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from casework.models import Case

register = template.Library()

# The labels (%-style) go in once per page, each row's values ({}-style) once per row.
ROW = (
    '<tr role="row">'
    '<td role="cell" data-label="%(number)s"><a class="ds-link" href="{url}">{number}</a></td>'
    '<td role="cell" data-label="%(person)s">{person}{expected}</td>'
    '<td role="cell" data-label="%(kind)s">{kind}</td>'
    '<td role="cell" data-label="%(received)s">{received_on}{interim}</td>'
    '<td role="cell" data-label="%(status)s">{status}{pending}</td>'
    '<td role="cell" data-label="%(handler)s">{assigned_to}</td>'
    "</tr>\n"
)
TAG = ' <span class="ds-tag" data-color="warning">{}</span>'


def _e(value) -> str:
    """HTML-escaped text (what django.utils.html.escape gives, without its lazy-string wrapper,
    which costs five times the escaping on a page of 50 rows of ten values)."""
    return _escape(str(value))


def _braces(text: str) -> str:
    """Text to put into a format string as it is."""
    return text.replace("{", "{{").replace("}", "}}")


@register.simple_tag
def queue_table(cases) -> SafeString:
    labels = {
        "number": _e(_("Saksnummer")),
        "person": _e(_("Gjelder")),
        "kind": _e(_("Type")),
        "received": _e(_("Mottatt")),
        "status": _e(_("Status")),
        "handler": _e(_("Saksbehandler")),
    }
    head = "".join(f'<th scope="col" role="columnheader">{label}</th>' for label in labels.values())
    row = ROW % {key: _braces(label) for key, label in labels.items()}
    kinds = {value: _e(label) for value, label in Case.Kind.choices}
    statuses = {value: _e(label) for value, label in Case.Status.choices}
    before, after = reverse("casework:case", args=[0]).rsplit("/0/", 1)
    before, after = _e(before), _e(after)
    interim = TAG.format(_e(_("foreløpig svar")))
    pending = TAG.format(_e(_("koordinator ikke oppnevnt")))
    expected_text = _("ventet barn, termin %(date)s")
    dates: dict = {}

    def short(day) -> str:
        if day not in dates:
            dates[day] = _e(date_format(day, "SHORT_DATE_FORMAT"))
        return dates[day]

    rows = []
    for case in cases:
        expected = ""
        if case.is_expected_child:
            text = expected_text % {"date": date_format(case.expected_on, "DATE_FORMAT")}
            expected = f' <span class="muted">({_e(text)})</span>'
        rows.append(
            row.format(
                url=f"{before}/{case.pk:d}/{after}",
                number=_e(case.number),
                person=_e(case.person_name),
                expected=expected,
                kind=kinds.get(case.kind) or _e(case.kind),
                received_on=short(case.received_on),
                interim=interim if case.interim_due else "",
                status=statuses.get(case.status) or _e(case.status),
                pending=pending if case.appointment_pending else "",
                assigned_to=_e(case.assigned_to_name) if case.assigned_to_id else "–",
            )
        )
    return mark_safe(  # noqa: S308 (every label and value above is escaped)
        f'<thead role="rowgroup"><tr role="row">{head}</tr></thead>\n'
        f'<tbody role="rowgroup">\n{"".join(rows)}</tbody>'
    )
