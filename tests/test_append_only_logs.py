"""Every log (access log, case access log, plan history, security log) is append-only in the
model layer, on every database. The database layer and the roles: tests/test_database_roles.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import SecurityEvent
from accounts.security import security_event_record
from casework.models import Case, CaseAccessLogEntry
from casework.services.cases import case_submit
from casework.services.letters import case_log
from consent.models import AccessLogEntry
from ipplan.append_only import LOG_IS_APPEND_ONLY, AppendOnlyModel, append_only_tables
from ipplan.db_roles import app_role_problems
from plans.models import ArchiveRecord, FamilyLogEntry, PlanChange, PlanDeletion
from plans.services.family import family_create, family_log
from plans.services.goals import goal_create
from tests.conftest import APP_ROLE

LOGS = {
    "consent_accesslogentry": AccessLogEntry,
    "casework_caseaccesslogentry": CaseAccessLogEntry,
    "plans_planchange": PlanChange,
    "accounts_securityevent": SecurityEvent,
    "plans_plandeletion": PlanDeletion,
    "plans_familylogentry": FamilyLogEntry,
}


def a_case(person, municipality):
    return case_submit(
        person=person,
        municipality=municipality,
        kind=Case.Kind.APPLICATION,
        acting_user=person,
        wants_plan=True,
        wants_coordinator=False,
        wants_child_coordinator=False,
        needs="Jeg trenger hjelp.",
        consent_to_contact=True,
    )


def a_row_in_every_log(plan, owner, coordinator, municipality):
    """Writes a row to each log the way the application does."""
    goal_create(plan=plan, title="Mål", acting_user=coordinator)  # plan history, access log
    case_log(a_case(owner, municipality), coordinator, "read", "Søknad")
    security_event_record(SecurityEvent.Kind.LOGIN, user=owner)
    record = ArchiveRecord.objects.create(
        plan=plan, reason="closing", storage_name="archive/x.pdf", size=1, sha256="0" * 64
    )
    PlanDeletion.objects.create(
        plan=plan,
        kind=PlanDeletion.Kind.ACCESS_LOG,
        owner=owner,
        municipality=municipality,
        closed_at=timezone.now(),
        archive_record=record,
        archive_sha256=record.sha256,
        deleted_at=timezone.now(),
    )
    family = family_create(
        child=owner,
        municipality=municipality,
        coordinator=coordinator,
        expected_on=None,
        plan=None,
        acting_user=coordinator,
    )
    family_log(family, coordinator, "read", "Familiens side")
    for model in LOGS.values():
        assert model.objects.exists(), model.__name__


def test_the_logs_and_only_they_are_append_only():
    assert set(append_only_tables()) == set(LOGS)
    for model in LOGS.values():
        assert issubclass(model, AppendOnlyModel)


@pytest.mark.parametrize("table", sorted(LOGS))
def test_the_model_refuses_to_change_or_delete_rows_of_every_log(
    table, plan, owner, coordinator, municipality
):
    a_row_in_every_log(plan, owner, coordinator, municipality)
    model = LOGS[table]
    row = model.objects.first()
    rows = model.objects.filter(pk=row.pk)
    for attempt in (row.save, row.delete, lambda: rows.update(pk=row.pk), rows.delete):
        with pytest.raises(PermissionError, match=LOG_IS_APPEND_ONLY):
            attempt()
    assert model.objects.filter(pk=row.pk).exists()


def test_a_plan_with_history_is_never_deleted_with_its_history(plan, coordinator):
    """Before, the history went with the plan (on_delete=CASCADE), past the model's guard."""
    PlanChange.objects.create(
        plan=plan, actor=coordinator, section="overview", action="update", summary="Endret"
    )
    with pytest.raises(ProtectedError):
        plan.delete()
    assert PlanChange.objects.filter(plan=plan).exists()


def test_the_suite_runs_as_the_app_role_where_one_is_named(db):
    """In CI (IPPLAN_DB_APP_ROLE set, tests/conftest.py) the tests act as a role that owns no
    table, granted by migrate exactly as production's app role is."""
    if not APP_ROLE or connection.vendor != "postgresql":
        pytest.skip(
            "!!! SKIPPED: the tests run as the owner here (set IPPLAN_DB_APP_ROLE and a "
            "PostgreSQL DATABASE_URL, as .ci/run does) !!!"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == APP_ROLE
    assert app_role_problems(role=APP_ROLE) == []
