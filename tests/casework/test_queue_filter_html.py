"""The queue's filter form is rendered once per language and filter values, and the HTML is
exactly what Django renders for that form (the memo changes the cost, not the page)."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.utils import translation

from casework.forms import QueueFilterForm, queue_filter_html

QUERIES = [
    None,
    "page=3",
    "status=all&assigned=mine",
    "status=decided&kind=paper&interim_due=on&number=2026-0012",
    "status=open&number=%3Cb%3E",
    "status=closed&status=received",  # the last value counts, as in the form
]


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("query", QUERIES)
def test_it_renders_what_django_renders(language, query):
    with translation.override(language):
        data = None if query is None else QueryDict(query)
        expected = str(QueueFilterForm(data))
        assert queue_filter_html(QueueFilterForm(data)) == expected
        assert queue_filter_html(QueueFilterForm(data)) == expected  # from the memo


def test_a_form_with_errors_is_rendered_as_usual():
    data = QueryDict("status=nonsense&number=" + "9" * 30)
    form = QueueFilterForm(data)
    html = queue_filter_html(form)
    assert html == str(QueueFilterForm(data)) and "ds-validation-message" in html


def test_the_languages_are_kept_apart():
    with translation.override("nb"):
        bokmal = queue_filter_html(QueueFilterForm(None))
    with translation.override("en"):
        english = queue_filter_html(QueueFilterForm(None))
    assert "Til behandling" in bokmal and "Til behandling" not in english
