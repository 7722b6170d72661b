"""`{% load kinds %}`: the words of a plan's kind (plans/kinds.py) in templates.

`{% with kt=plan|kind_text %}{{ kt.about_me }}{% endwith %}` and `{% plan_heading plan user %}`
(the page heading: "Din stafettlogg" for the child, "Stafettloggen til Emma" for others)."""

from django import template

from plans.kinds import kind_text as _kind_text

register = template.Library()


@register.filter
def kind_text(plan):
    return _kind_text(plan)


@register.simple_tag
def plan_heading(plan, user) -> str:
    text = _kind_text(plan)
    if plan.owner_id == user.pk:
        return str(text.title_own)
    return str(text.title_of) % {"name": plan.owner.display_name}
