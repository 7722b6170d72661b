"""Hooks for apps above plans to take part in a plan's page and its closing, without plans
importing them.

coordination (meetings, messages) registers functions in its AppConfig.ready(): the plan page
calls every overview extension with the plan, the viewer's access, the viewer and the page's
facts (plans.page_facts, to which extensions add their own), and merges
what they return into its template context; closing a plan (by the coordinator, or because
consent was withdrawn) calls every closing hook inside the closing's transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from ipplan.parts import Parts

_overview = Parts()
# The context keys that extensions make from the plan page's facts alone (see
# register_overview_facts): the page key holds those facts, so the page may be cached whole.
_from_facts: set[str] = set()


def register_overview_extension(func: Callable, *, keys_from_facts=()) -> Callable:
    """`keys_from_facts`: the keys of the context `func` returns that it makes from the page's
    facts alone, nothing else."""
    _from_facts.update(keys_from_facts)
    return _overview.register(func)


def only_from_facts(context: dict) -> bool:
    """Did the extensions add nothing to the plan page but what they made from its facts?"""
    return _from_facts.issuperset(context)


def overview_extensions(plan, access, user, facts=None) -> dict:
    """`facts`: the plan page's plans.page_facts answers (None elsewhere: each part reads its
    own)."""
    return _overview.collect(plan=plan, access=access, user=user, facts=facts)


_facts: list[Callable] = []


def register_overview_facts(func: Callable) -> Callable:
    """`func(plan=, access=, user=)` returns the plans.page_facts.Fact list an overview
    extension needs on the plan page (read with the page's own facts in one query); the
    extension then finds the answers by name in its `facts`."""
    if func not in _facts:
        _facts.append(func)
    return func


def overview_facts(plan, access, user) -> list:
    return [fact for func in _facts for fact in func(plan=plan, access=access, user=user)]


_closing: list[Callable] = []


def register_closing_hook(func: Callable) -> Callable:
    """`func(plan=, access=)` runs when a plan is closed, in the same transaction."""
    if func not in _closing:
        _closing.append(func)
    return func


def plan_closing_hooks(*, plan, access) -> None:
    for func in _closing:
        func(plan=plan, access=access)


_ip_right: list[Callable] = []


def register_ip_right_check(func: Callable) -> Callable:
    """`func(plan=)` returns the coordinator a decision appointed (a User), True when the
    individual plan is granted without one yet, or None when it is not granted. casework
    registers the check: plans cannot read decisions itself."""
    if func not in _ip_right:
        _ip_right.append(func)
    return func


def ip_right_granted(*, plan):
    """What the registered checks say about the plan owner's right to an individual plan."""
    for func in _ip_right:
        answer = func(plan=plan)
        if answer:
            return answer
    return None


_ip_grounds: list[Callable] = []


def register_ip_grounds(func: Callable) -> Callable:
    """`func(plan=)` returns a short text naming why the person has an individual plan granted
    (casework: a decision granting it), or "" when it knows of none."""
    if func not in _ip_grounds:
        _ip_grounds.append(func)
    return func


def ip_grounds(plan) -> list[str]:
    """What apps above plans know that grants this person an individual plan."""
    return [text for func in _ip_grounds if (text := func(plan=plan))]


_ip_consent: list[Callable] = []


def register_ip_consent(func: Callable) -> Callable:
    """`func(plan=)` returns the names of those whose complete consent to an individual plan
    for the owner of a relay log is in force, or "" (consent registers it: for a child, the
    consent is complete only when every parent with parental responsibility has given it)."""
    if func not in _ip_consent:
        _ip_consent.append(func)
    return func


def ip_consented_by(*, plan) -> str:
    """Who consented to an individual plan on the relay log, or "" when no complete consent."""
    for func in _ip_consent:
        if names := func(plan=plan):
            return names
    return ""
