"""The coordinating unit's models moved from coordination to casework (issue 15) without
losing a row: migrating back to before the move and forward again keeps every case, letter,
decision and case-log entry, the complaints' foreign keys, the content types and (on
PostgreSQL) the case log's append-only triggers under the new table name."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casework.models import Case, CaseAccessLogEntry, Decision, Letter
from complaints.services import complaint_file
from tests.casework.conftest import apply, decide

BEFORE = [("coordination", "0005_merge_issue9_branches"), ("complaints", "0002_relations")]
MOVED = {
    "case": Case,
    "letter": Letter,
    "decision": Decision,
    "caseaccesslogentry": CaseAccessLogEntry,
}


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_both_ways(owner, case_handler, municipality, rule):
    case = apply(owner, municipality)
    decide(case, case_handler, rule)
    complaint = complaint_file(
        case=case,
        decision=case.decisions.get(),
        ground="partly",
        text="Jeg er uenig.",
        acting_user=owner,
    )
    counts = {name: model.objects.count() for name, model in MOVED.items()}
    assert all(counts.values()), counts

    old = _migrate(BEFORE)
    for name in MOVED:
        assert old.get_model("coordination", name).objects.count() == counts[name], name
    assert old.get_model("complaints", "Complaint").objects.get().case_id == case.pk

    new = _migrate()
    for name in MOVED:
        assert new.get_model("casework", name).objects.count() == counts[name], name
    assert Case.objects.get(pk=case.pk).complaints.get().pk == complaint.pk
    assert ContentType.objects.get_for_model(Case).app_label == "casework"
    assert not ContentType.objects.filter(app_label="coordination", model="case").exists()
    assert Case._meta.db_table == "casework_case"
    if connection.vendor == "postgresql":
        assert _triggers("casework_caseaccesslogentry") == {
            "casework_caseaccesslogentry_append_only",
            "casework_caseaccesslogentry_append_only_truncate",
        }
