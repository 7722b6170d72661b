"""Form rendering with Designsystemet markup (templates/forms, templates/django/forms)."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class DesignsystemetRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


def posted(request):
    """Form data for a POST (even an empty one: it must be validated, not ignored), else None."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def status_for(form) -> int:
    """400 when a submitted form has errors (the page shows them), else 200."""
    return 400 if form.is_bound and form.errors else 200


MAX_ID = 2**63 - 1  # the largest primary key (BigAutoField) the database can hold


def id_or_none(value) -> int | None:
    """An object id from a query string or a plain POST field, or None for anything else
    (letters, signs, other scripts' digits, numbers no column can hold)."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
