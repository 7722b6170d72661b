"""The database keeps the logs append-only, and the application's role cannot get around it.

Each test makes a throwaway role (a unique name) with exactly the grants `grant_app_role`
gives, and acts as it with `SET ROLE` inside the test's transaction on the test database; the
role, its grants and everything done as it vanish with the transaction's rollback. PostgreSQL
only: the embedded demo's SQLite has no roles (and no triggers).
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.models import SecurityEvent
from accounts.security import security_event_record
from casework.models import CaseAccessLogEntry
from casework.services.letters import case_log
from consent.models import AccessLogEntry
from ipplan.append_only import append_only_tables, log_maintenance
from ipplan.db_roles import app_role_problems
from plans.models import Plan, PlanChange
from plans.services.goals import goal_create
from plans.services.lifecycle import plan_update_details
from tests.conftest import REQUIRE_SERVICES
from tests.test_append_only_logs import LOGS, a_case, a_row_in_every_log

PERMISSION_DENIED = "permission denied"
APPEND_ONLY = "append-only"


@pytest.fixture(autouse=True)
def postgresql(db, database_owner):
    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("IPPLAN_REQUIRE_SERVICES=1 needs DATABASE_URL=postgres://... (PostgreSQL).")
        pytest.skip("database roles and triggers need PostgreSQL (set DATABASE_URL to one)")


@pytest.fixture
def app_role():
    """A role like the production `ipplan_app`, granted by the same command."""
    name = f"ipplan_test_app_{uuid.uuid4().hex[:12]}"
    run(f"CREATE ROLE {name} NOLOGIN")
    call_command("grant_app_role", role=name)
    yield name
    run("RESET ROLE")
    # The test's rollback removes the role and its grants; nothing is left in the cluster.


@pytest.fixture
def logs(plan, owner, coordinator, municipality):
    a_row_in_every_log(plan, owner, coordinator, municipality)
    # Django's foreign keys are checked at commit; TRUNCATE needs those checks done.
    run("SET CONSTRAINTS ALL IMMEDIATE")
    return sorted(LOGS)


def run(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def acting_as(role: str):
    run(f"SET ROLE {role}")
    try:
        yield
    finally:
        run("RESET ROLE")


def refused(sql: str, match: str):  # the tables are ours (LOGS), never input
    """Runs `sql` in a savepoint and expects the database to refuse it with `match`."""
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        run(sql)


def test_the_app_role_cannot_update_delete_or_truncate_any_log(app_role, logs):
    assert logs == sorted(append_only_tables())
    with acting_as(app_role):
        for table in logs:
            refused(f"UPDATE {table} SET id = id", PERMISSION_DENIED)  # noqa: S608
            refused(f"DELETE FROM {table}", PERMISSION_DENIED)  # noqa: S608
            refused(f"TRUNCATE {table}", PERMISSION_DENIED)
            refused(f"TRUNCATE {table} CASCADE", PERMISSION_DENIED)
        # The ORM's way past the model layer's guard is refused too.
        with pytest.raises(DatabaseError, match=PERMISSION_DENIED), transaction.atomic():
            CaseAccessLogEntry.objects.all()._raw_delete(connection.alias)
        # Neither can it truncate a table the logs point to (that would empty them by cascade).
        refused("TRUNCATE plans_plan CASCADE", PERMISSION_DENIED)
    assert all(model.objects.exists() for model in LOGS.values())


def test_the_app_role_cannot_switch_off_or_replace_a_log_trigger(app_role, logs):
    with acting_as(app_role):
        for table in logs:
            refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner")
            refused(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only", "must be owner")
            refused(f"DROP TRIGGER {table}_append_only_truncate ON {table}", "must be owner")
            refused(f"ALTER TABLE {table} OWNER TO {app_role}", "must be owner")
            refused(f"DROP TABLE {table}", "must be owner")
        refused("SET session_replication_role = replica", "permission denied to set parameter")
        refused("SET LOCAL session_replication_role = replica", "permission denied to set")
        refused(
            "CREATE OR REPLACE FUNCTION ipplan_log_append_only() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$",
            "permission denied for schema",
        )
        refused("CREATE TABLE ipplan_test_mine (id int)", "permission denied for schema")
        # Asking for the owner's maintenance setting opens nothing: privileges come first.
        run("SELECT set_config('ipplan.log_maintenance', 'on', true)")
        refused("DELETE FROM consent_accesslogentry", PERMISSION_DENIED)
        refused("TRUNCATE accounts_securityevent", PERMISSION_DENIED)


def test_the_app_role_does_the_normal_work(
    app_role, client, plan, owner, coordinator, municipality
):
    with acting_as(app_role):
        goal_create(plan=plan, title="Lære å sykle", acting_user=coordinator)
        plan.refresh_from_db()
        plan_update_details(
            plan=plan,
            expected_version=plan.version,
            period_start=None,
            period_end=None,
            next_evaluation=None,
            acting_user=coordinator,
        )
        case_log(a_case(owner, municipality), coordinator, "read", "Søknad")
        security_event_record(SecurityEvent.Kind.LOGIN, user=coordinator)
        client.force_login(coordinator)
        before = AccessLogEntry.objects.count()
        assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
        assert AccessLogEntry.objects.count() > before
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role
    assert Plan.objects.get(pk=plan.pk).version > 1
    assert PlanChange.objects.filter(plan=plan).count() == 2
    assert CaseAccessLogEntry.objects.exists() and SecurityEvent.objects.exists()


def test_the_app_role_owns_nothing_and_the_check_reports_any_wider_grant(app_role):
    assert app_role_problems(role=app_role) == []
    call_command("grant_app_role", role=app_role, check=True)
    run(f"GRANT UPDATE ON consent_accesslogentry TO {app_role}")
    run(f"GRANT TRUNCATE ON plans_planchange TO {app_role}")
    run(f"REVOKE DELETE ON plans_goal FROM {app_role}")
    with pytest.raises(CommandError) as error:
        call_command("grant_app_role", role=app_role, check=True)
    assert f"role {app_role} may UPDATE on consent_accesslogentry" in str(error.value)
    assert f"role {app_role} may TRUNCATE on plans_planchange" in str(error.value)
    assert f"role {app_role} lacks DELETE on plans_goal" in str(error.value)
    call_command("grant_app_role", role=app_role)  # granting again puts it right
    assert app_role_problems(role=app_role) == []
    run(f"ALTER TABLE plans_goal OWNER TO {app_role}")
    assert f"role {app_role} owns (or may act as the owner of) table plans_goal" in (
        app_role_problems(role=app_role)
    )


def test_grants_cover_tables_that_later_migrations_create(app_role, settings):
    run("CREATE TABLE ipplan_test_later (id bigserial PRIMARY KEY, value int)")
    with acting_as(app_role):
        # Default privileges: a new table is born append-only for the app role...
        run("INSERT INTO ipplan_test_later (value) VALUES (1)")
        run("SELECT value FROM ipplan_test_later")
        refused("UPDATE ipplan_test_later SET value = 2", PERMISSION_DENIED)
    # ...until migrate's post_migrate step re-applies the grants.
    settings.DATABASE_APP_ROLE = app_role
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    with acting_as(app_role):
        run("UPDATE ipplan_test_later SET value = 2")
        run("DELETE FROM ipplan_test_later")
        refused("UPDATE consent_accesslogentry SET id = id", PERMISSION_DENIED)
    assert app_role_problems(role=app_role) == []


def test_the_triggers_refuse_even_the_owner_and_replica_mode(logs):
    """The test runs as the database's owner (a superuser in CI): the trigger stops it too,
    also with session_replication_role = replica, which skips ordinary triggers."""
    for replica in (False, True):
        with transaction.atomic():
            if replica:
                run("SET LOCAL session_replication_role = replica")
            for table in logs:
                refused(f"UPDATE {table} SET id = id", APPEND_ONLY)  # noqa: S608
                refused(f"DELETE FROM {table}", APPEND_ONLY)  # noqa: S608
                refused(f"TRUNCATE {table} CASCADE", APPEND_ONLY)
            run("SET LOCAL session_replication_role = origin")
    assert all(model.objects.exists() for model in LOGS.values())


def test_only_the_owner_removes_log_rows_in_maintenance_and_nobody_updates_them(logs):
    with log_maintenance():
        refused("UPDATE plans_planchange SET summary = 'omskrevet'", APPEND_ONLY)
        run("DELETE FROM accounts_securityevent")
        run("TRUNCATE casework_caseaccesslogentry")
    assert not SecurityEvent.objects.exists() and not CaseAccessLogEntry.objects.exists()
    refused("DELETE FROM consent_accesslogentry", APPEND_ONLY)  # the block is over
    assert AccessLogEntry.objects.exists()
