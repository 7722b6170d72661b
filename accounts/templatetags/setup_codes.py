"""Template questions about a person's login, answered by the account services."""

from __future__ import annotations

from django import template

from accounts.services import user_has_login

register = template.Library()


@register.filter
def has_login(user) -> bool:
    """Can this person log in already (password, ID-porten or a second factor)?"""
    return user_has_login(user)
