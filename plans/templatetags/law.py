"""`{% cite "interim_reply" %}`: the citation of a legal reference in force today, from the
table (plans/law.py). Letters do not use this: they get the references in force on their date
as `law` in the context and keep them with the letter."""

from django import template

from plans.law import legal_reference

register = template.Library()


@register.simple_tag
def cite(code: str) -> str:
    return legal_reference(code).citation
