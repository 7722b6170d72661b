"""`{% cite "interim_reply" %}`: the citation of a legal reference in force today, from the
table (plans/law.py). Letters do not use this: they get the references in force on their date
as `law` in the context and keep them with the letter."""

import re

from django import template

from plans.law import legal_reference

register = template.Library()


@register.simple_tag
def cite(code: str) -> str:
    return legal_reference(code).citation


@register.filter
def nowrap_sections(text: str) -> str:
    """A section sign, its number and its letter kept on one line in a printed letter."""
    text = re.sub(r"(\u00a7+) (?=\d)", "\\1\u00a0", str(text))
    return re.sub(r"(\d) ([a-z])\b", "\\1\u00a0\\2", text)
