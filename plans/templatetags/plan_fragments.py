"""`{% plan_fragment "goals" %}...{% endplan_fragment %}`: the enclosed part of the plan page
is kept in the cache under the page's `fragment_key` (plans.fragments), and rendered only when
the cache has no copy for that key. The view may have looked the parts up already (and then
left their items unloaded): those found are in `cached_fragments`, and a part not there is
rendered. Without a `fragment_key` in the context it is simply rendered. The reader's CSRF
token is never cached: a marker is rendered in its place and replaced on the way out.

`{% plan_fragment "page" %}` (the whole main content) is kept under `page_fragment_key`
instead; without one (flash messages to show, a page whose extensions add more than the page's
facts) it is simply rendered, its parts still kept one by one."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from plans.fragments import CSRF_MARKER, PAGE, fragment_get, fragment_set

register = template.Library()


class PlanFragmentNode(template.Node):
    def __init__(self, part: str, nodelist):
        self.part = part
        self.nodelist = nodelist

    def render(self, context):
        key = context.get("page_fragment_key" if self.part == PAGE else "fragment_key")
        if not key:
            return self.nodelist.render(context)
        cached = context.get("cached_fragments")
        html = cached.get(self.part) if cached is not None else fragment_get(key, self.part)
        if html is None:
            with context.push(csrf_token=CSRF_MARKER):
                html = self.nodelist.render(context)
            fragment_set(key, self.part, html)
        if CSRF_MARKER in html:
            token = context.get("csrf_token")
            html = html.replace(CSRF_MARKER, escape(str(token)) if token else "")
        return mark_safe(html)  # noqa: S308 (our own rendering, escaped when it was rendered)


@register.tag
def plan_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('Use {% plan_fragment "name" %}')
    nodelist = parser.parse(("endplan_fragment",))
    parser.delete_first_token()
    return PlanFragmentNode(bits[1][1:-1], nodelist)
