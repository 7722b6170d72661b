"""The plan page's small facts that change without a write to the plan's content, read in one
hand-written round trip (issue 14).

Building an ORM query costs the plan page about 0.6-1 ms of CPU; the page needs six or seven
one-value answers on every view (they are never inside a cached fragment, plans.fragments):
the content stamp, the coordinator's title and service, the newest archive copy, a pending
handover, whether the owner can log in, and from the apps above plans (registered with
plans.extensions.register_overview_facts) the next meeting and the unread messages. Here each
is one scalar subquery of a single SELECT, with its values as parameters, written for both
PostgreSQL and SQLite. Only what this reader's page shows is asked: the handover and the
owner's login for the coordinator, the meeting and messages for those who may read them.

The plain ORM reads remain the reference (plan_overview without `facts`, the extensions'
own selectors): tests/plans/test_page_facts.py compares both over varied data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import StaffMembership
from plans.extensions import only_from_facts, overview_facts
from plans.models import CoordinatorHandover

if TYPE_CHECKING:
    from consent.access import PlanAccess
    from plans.models import Plan


@dataclass(frozen=True)
class Fact:
    """One scalar subquery: `sql` with %s placeholders, `params` its values in order."""

    name: str
    sql: str
    params: tuple = ()
    # "datetime" turns SQLite's text into an aware datetime; "bool" SQLite's 0/1 into a bool.
    kind: str = ""


def db_datetime(value: datetime.datetime) -> Any:
    """A datetime as this database's driver takes it as a parameter."""
    return connection.ops.adapt_datetimefield_value(value)


def _converted(value, kind: str):
    if value is None:
        return False if kind == "bool" else None
    if kind == "bool":
        return bool(value)
    if kind == "datetime":
        # SQLite keeps a datetime in UTC without its zone (Django's USE_TZ), and gives it as
        # text or, for a column it knows, as a naive datetime.
        if not isinstance(value, datetime.datetime):
            value = parse_datetime(value)
        return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value
    return value


def _plan_facts(plan: Plan, access: PlanAccess) -> list[Fact]:
    facts = [
        Fact(
            "newest_change", "SELECT MAX(id) FROM plans_planchange WHERE plan_id = %s", (plan.pk,)
        ),
        Fact(
            "last_archive_at",
            "SELECT MAX(created_at) FROM plans_archiverecord WHERE plan_id = %s",
            (plan.pk,),
            "datetime",
        ),
    ]
    if plan.coordinator_id is not None:
        # The coordinator's membership as coordinator in the plan's municipality (the lowest id
        # when there are several, as the ORM's .first()), and its service.
        membership = (
            "FROM accounts_staffmembership m LEFT JOIN accounts_organisation o"
            " ON o.id = m.organisation_id"
            " WHERE m.user_id = %s AND m.municipality_id = %s AND m.role = %s"
            " ORDER BY m.id LIMIT 1"
        )
        params = (plan.coordinator_id, plan.municipality_id, StaffMembership.Role.COORDINATOR)
        facts += [
            Fact("coordinator_title", f"SELECT m.title {membership}", params),
            Fact("coordinator_organisation", f"SELECT o.name {membership}", params),
            Fact("coordinator_organisation_phone", f"SELECT o.phone {membership}", params),
        ]
    if access.is_coordinator:
        facts.append(
            Fact(
                "pending_handover_id",
                "SELECT id FROM plans_coordinatorhandover WHERE plan_id = %s AND status = %s"
                " ORDER BY proposed_at DESC, id DESC LIMIT 1",
                (plan.pk, CoordinatorHandover.Status.PROPOSED),
            )
        )
    if access.can_manage_plan:
        # accounts.services.user_has_login's two tables (the password is on the loaded owner).
        facts.append(
            Fact(
                "owner_has_linked_login",
                "SELECT CASE WHEN EXISTS (SELECT 1 FROM socialaccount_socialaccount"
                " WHERE user_id = %s) OR EXISTS (SELECT 1 FROM mfa_authenticator"
                " WHERE user_id = %s) THEN 1 ELSE 0 END",
                (plan.owner_id, plan.owner_id),
                "bool",
            )
        )
    return facts


def plan_page_facts(plan: Plan, access: PlanAccess, user) -> dict[str, Any]:
    """The page's facts for this reader, {name: value}, in one query."""
    facts = _plan_facts(plan, access) + overview_facts(plan, access, user)
    sql = "SELECT " + ", ".join(f"({fact.sql})" for fact in facts)
    params = [value for fact in facts for value in fact.params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    values = {
        fact.name: _converted(value, fact.kind) for fact, value in zip(facts, row, strict=True)
    }
    values["stamp"] = f"{plan.version}.{plan.about_me_version}.{values['newest_change'] or 0}"
    if "owner_has_linked_login" in values:
        values["owner_has_login"] = (
            plan.owner.has_usable_password() or values["owner_has_linked_login"]
        )
    return values


def page_cacheable(plan: Plan, extensions: dict, *, has_messages: bool) -> bool:
    """May the page's whole main content come from the cache (plans.fragments.PAGE)? For an
    individual plan (a coordination record's grounds and a relay log's next step come from
    decisions outside the plan's history), when the extensions added only what they made from
    the facts, and no flash message is waiting to be shown in a section."""
    return plan.kind_info.is_individual_plan and not has_messages and only_from_facts(extensions)


def page_shown(plan: Plan, facts: dict, **more) -> dict:
    """What the page shows besides its content and the reader's access, for the whole page's
    key: the facts, the plan's own fields, the owner's and coordinator's names and contact
    details, and `more` (when the working copy is deleted)."""
    shown = {f"plan.{f.attname}": getattr(plan, f.attname) for f in plan._meta.concrete_fields}
    for role, person in (("owner", plan.owner), ("coordinator", plan.coordinator)):
        if person is not None:
            shown[role] = (person.display_name, person.phone, person.email, person.birth_date)
    return {**shown, **facts, **more}
