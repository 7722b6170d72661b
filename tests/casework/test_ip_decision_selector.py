"""casework.selectors.latest_ip_decision: the one read both of plans' hooks use (the relay
log's "is the plan right granted?" and the history's "after which decision?"), one query."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Case, Decision
from casework.selectors import ip_decision_grounds, ip_right_for_plan, latest_ip_decision
from tests.casework.conftest import apply, decide
from tests.factories import PlanFactory


def _later(decision, *, outcome, days=1):
    """A newer decision on a new case of the same person (a later application, say)."""
    case = Case.objects.get(pk=decision.case_id)
    case.pk = None
    case.number = f"{case.number}-{days}"
    case.save()
    newer = Decision.objects.get(pk=decision.pk)
    newer.pk = None
    newer.case = case
    newer.plan_outcome = outcome
    newer.appointed_coordinator = None
    newer.letter = None
    newer.decided_at = decision.decided_at + datetime.timedelta(days=days)
    newer.save()
    return newer


def test_both_hooks_read_the_latest_granting_decision(
    owner, municipality, case_handler, rule, coordinator
):
    plan = PlanFactory(municipality=municipality, owner=owner, kind="coordination")
    assert latest_ip_decision(plan=plan) is None
    assert ip_right_for_plan(plan=plan) is None and ip_decision_grounds(plan=plan) == ""
    granted = decide(apply(owner, municipality), case_handler, rule)
    with CaptureQueriesContext(connection) as queries:
        found = latest_ip_decision(plan=plan)
        loaded = (found.case.number, found.appointed_coordinator)  # with it, no query
    assert len(queries) == 1 and loaded[0] == granted.case.number
    assert found.pk == granted.pk and not found.superseded
    assert ip_right_for_plan(plan=plan) is True
    assert ip_decision_grounds(plan=plan).startswith(f"sak {granted.case.number}")


def test_a_newer_refusal_voids_the_right_but_not_the_history_grounds(
    owner, municipality, case_handler, rule
):
    """Behaviour kept from the two queries the hooks had: the relay log's check reads the
    newest decision; the history names the latest one that granted a plan."""
    plan = PlanFactory(municipality=municipality, owner=owner, kind="coordination")
    granted = decide(apply(owner, municipality), case_handler, rule)
    _later(granted, outcome=Decision.Outcome.REFUSED)
    found = latest_ip_decision(plan=plan)
    assert found.pk == granted.pk and found.superseded
    assert ip_right_for_plan(plan=plan) is None
    assert ip_decision_grounds(plan=plan).startswith(f"sak {granted.case.number}")
    # A still newer grant is in force again.
    _later(granted, outcome=Decision.Outcome.PARTLY, days=2)
    assert ip_right_for_plan(plan=plan) is True


def test_another_municipalitys_decision_does_not_count(
    owner, other_municipality, municipality, case_handler, rule
):
    plan = PlanFactory(municipality=other_municipality, owner=owner, kind="coordination")
    decide(apply(owner, municipality), case_handler, rule)
    assert latest_ip_decision(plan=plan) is None
