"""`{% queue_rows rows %}`: the work queue table's rows (casework.views.cases.queue_table_rows)
as HTML. A page holds 50 cases; rendered cell by cell by the template engine (about twenty
nodes, each looked up, escaped and rendered, for every row) the rows were most of the page's
time at XL, several times the floor view's (issue 14). Here every value is still escaped, by
format_html, and each label is translated and escaped once per page."""

from django import template
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

ROW = (
    '<tr role="row">'
    '<td role="cell" data-label="{l_number}"><a class="ds-link" href="{url}">{number}</a></td>'
    '<td role="cell" data-label="{l_person}">{person}{expected}</td>'
    '<td role="cell" data-label="{l_kind}">{kind}</td>'
    '<td role="cell" data-label="{l_received}">{received_on}{interim}</td>'
    '<td role="cell" data-label="{l_status}">{status}{pending}</td>'
    '<td role="cell" data-label="{l_handler}">{assigned_to}</td>'
    "</tr>\n"
)
TAG = '<span class="ds-tag" data-color="warning">{}</span>'


@register.simple_tag
def queue_rows(rows) -> SafeString:
    labels = {
        "l_number": escape(_("Saksnummer")),
        "l_person": escape(_("Gjelder")),
        "l_kind": escape(_("Type")),
        "l_received": escape(_("Mottatt")),
        "l_status": escape(_("Status")),
        "l_handler": escape(_("Saksbehandler")),
    }
    interim = format_html(" " + TAG, _("foreløpig svar"))
    pending = format_html(" " + TAG, _("koordinator ikke oppnevnt"))
    empty = mark_safe("")
    html = []
    for row in rows:
        expected = empty
        if row["expected_on"]:
            text = _("ventet barn, termin %(date)s") % {
                "date": date_format(row["expected_on"], "DATE_FORMAT")
            }
            expected = format_html(' <span class="muted">({})</span>', text)
        html.append(
            format_html(
                ROW,
                url=row["url"],
                number=row["number"],
                person=row["person"],
                expected=expected,
                kind=row["kind"],
                received_on=row["received_on"],
                interim=interim if row["interim_due"] else empty,
                status=row["status"],
                pending=pending if row["appointment_pending"] else empty,
                assigned_to=row["assigned_to"],
                **labels,
            )
        )
    return mark_safe("".join(html))  # noqa: S308 (each row made by format_html, values escaped)
