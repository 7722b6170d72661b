"""The record's name as its reader sees it, from plans/kinds.py: "Din koordinator" for the
owner of a coordinator's record, "Planen til Ola" for others reading an individual plan."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def plan_title(plan, user) -> str:
    info = plan.kind_info
    if plan.owner_id == getattr(user, "pk", None):
        return str(info.own_title)
    return str(info.others_title) % {"name": plan.owner.display_name}
