"""Prepared statements on PostgreSQL (settings: DATABASE_PREPARED_STATEMENTS): a query a
connection runs again is planned once, and server-side binding's parameter limit breaks no
long IN list or large bulk update (ipplan/postgresql binds such a statement on the client).
SQLite binds its own way: there, only that the setting does not reach it."""

from __future__ import annotations

import pytest
from django.db import connection

from ipplan.postgresql.base import SERVER_SIDE_PARAMS
from plans.models import Goal, Plan
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared(marker: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{marker}%"],
        )
        return [row[0] for row in cursor.fetchall()]


@postgres_only
def test_a_query_run_again_is_prepared_once_with_its_parameters_bound_on_the_server():
    plan = PlanFactory()
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    marker = "prepared_statements_test_marker"
    sql = "SELECT /* prepared_statements_test_marker */ count(*) FROM consent_accesslogentry"
    sql += " WHERE plan_id = %s"
    for _ in range(threshold + 2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [plan.pk])
            assert cursor.fetchone() == (0,)
    statements = _prepared(marker)
    assert len(statements) == 1
    assert "$1" in statements[0]  # the plan's id is a parameter, not part of the text


@postgres_only
def test_a_bulk_update_beyond_the_servers_parameter_limit_is_bound_on_the_client():
    """One statement takes at most 65,535 bound parameters; bulk_update sends three for each
    row (its id twice, its value once), so 22,000 rows are more than one statement can take.
    (A bulk insert is one parameter per column on PostgreSQL, through UNNEST.)"""
    plan = PlanFactory()
    rows = SERVER_SIDE_PARAMS // 3 + 200
    goals = Goal.objects.bulk_create(
        Goal(plan=plan, title="Mål", position=0, created_by=plan.owner) for _ in range(rows)
    )
    for number, goal in enumerate(goals):
        goal.position = number
    assert Goal.objects.bulk_update(goals, ["position"]) == rows
    assert Goal.objects.filter(plan=plan, position=rows - 1).count() == 1


@postgres_only
def test_a_list_longer_than_the_servers_parameter_limit_is_bound_on_the_client():
    plan = PlanFactory()
    ids = [plan.pk, *range(10**9, 10**9 + SERVER_SIDE_PARAMS + 10)]
    assert list(Plan.objects.filter(pk__in=ids).values_list("pk", flat=True)) == [plan.pk]


def test_server_side_binding_is_postgresqls_only():
    if connection.vendor == "postgresql":
        assert connection.features.uses_server_side_binding
    else:
        assert "server_side_binding" not in connection.settings_dict["OPTIONS"]
