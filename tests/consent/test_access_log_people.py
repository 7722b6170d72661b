"""The access log's people filter: the plan's own people, found in one query that looks
users up by key instead of scanning every user."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from consent.selectors import people_in_log
from plans.services.handover import handover_propose
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_it_lists_the_plans_people_past_and_present_and_nobody_else(
    access_plan, child, guardian, coordinator, stranger, municipality
):
    successor = staff("coordinator", municipality, username="successor", first_name="Siri")
    handover_propose(
        plan=access_plan, to_coordinator=successor, message="", acting_user=coordinator
    )
    with CaptureQueriesContext(connection) as queries:
        people = list(people_in_log(access_plan))
    assert len(queries.captured_queries) == 1
    names = {p.pk for p in people}
    expected = {child, guardian, coordinator, successor}
    expected |= {access_plan.people[k] for k in ("nurse", "teacher", "expired", "revoked")}
    assert names == {p.pk for p in expected}
    assert stranger.pk not in names
    assert [p.display_name for p in people] == sorted(
        (p.display_name for p in people), key=lambda n: n.split()
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL")
def test_it_does_not_scan_every_user(access_plan, database_owner):
    User.objects.bulk_create(
        [User(username=f"other{i}", first_name="Other", last_name=str(i)) for i in range(5000)]
    )
    query = people_in_log(access_plan).query
    sql, params = query.sql, query.params
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("EXPLAIN " + sql, params)
        query_plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on accounts_user" not in query_plan, query_plan
