"""`{{ access|can_edit:measure }}`: templates ask the access what the user may do with an item
(consent/access.py), never rebuild the rule."""

from django import template

register = template.Library()


@register.filter
def can_edit(access, target) -> bool:
    return access.can_edit(target)
