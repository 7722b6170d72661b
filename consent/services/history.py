"""The plan's visible change history; each entry also writes its access-log row.

A summary is stored as its bokmål source text (a msgid) with its parameters, and translated
when shown (PlanChange.text), like the case log: an English screen does not write English
into a Norwegian plan's history, and a reader sees every entry in their own language.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from consent.policy import PlanAccess
from consent.services.access_log import access_log_write
from plans.models import PlanChange
from plans.sections import SECTION_OF_MODEL
from plans.withheld import item_keys


def section_of(target: models.Model) -> str:
    return SECTION_OF_MODEL[target._meta.label_lower]


def _stored(value) -> str | list[str]:
    """Data stays as it is; a translatable text (or a list of them) is kept as its msgid."""
    if isinstance(value, Promise):
        return [str(value)]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def record_change(
    access: PlanAccess,
    target: models.Model,
    summary: str,
    *,
    action: str,
    params: dict | None = None,
    fields=(),
    mentions=(),
    section: str | None = None,
    items=(),
) -> PlanChange:
    """One write in the plan's history, and its access-log row. The plan and the actor come
    from `access`, the section from the target (unless given). `summary` is a bokmål msgid
    (mark it with gettext_noop) with `%(name)s` placeholders filled from `params`; a param
    that is itself translatable (a section's label) is translated when shown. A summary that
    names another section's item lists that section in `mentions`; `items` adds item keys
    to those the target gives (plans/withheld.py)."""
    section = section or section_of(target)
    with translation.override("nb"):
        message = str(summary)
        values = {name: _stored(value) for name, value in (params or {}).items()}
        change = PlanChange(
            plan=access.plan,
            actor=access.user,
            section=section,
            action=action,
            message=message,
            params=values,
            fields=list(fields),
            mentions=PlanChange.mentions_value(set(mentions) - {section}),
            items=PlanChange.items_value([*item_keys(target), *items]),
        )
        change.summary = change.text[:300]
    change.save()
    access_log_write(
        access=access, actor=access.user, action=action, section=section, target=target
    )
    return change
