"""Who gets what on every URL of the plans app: one declarative table, walked in full.

Outsiders (a stranger, a professional without a grant, a case handler, the municipality's
administrator and a coordinator of another municipality) get 404 on every URL that takes a
plan, for GET and POST, and the database is unchanged afterwards.
"""

import pytest
from django.urls import reverse

from consent.models import AccessLogEntry
from plans.models import (
    ArchiveRecord,
    CooperationNeed,
    CoordinatorHandover,
    Goal,
    Measure,
    Participant,
    Plan,
    PlanChange,
    ProgressNote,
    SubPlan,
)
from tests.urlwalk import all_routes

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
OWNER, COORDINATOR = "owner", "coordinator"
OUTSIDERS = ["stranger", "professional", "case_handler", "administrator", "other_coordinator"]

# URL name -> expected GET status for the owner and the plan's coordinator. Outsiders: 404.
# POST-only URLs (@require_POST) answer every GET with 405, outsiders' too: the same answer
# whether or not the plan exists (tests/consent/test_access_matrix.py checks that).
MATRIX = {
    "plans:detail": {OWNER: OK, COORDINATOR: OK},
    "plans:details_edit": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:about_me_edit": {OWNER: OK, COORDINATOR: OK},
    "plans:activate": {OWNER: NOT_ALLOWED, COORDINATOR: NOT_ALLOWED},
    "plans:convert_to_ip": {OWNER: NOT_ALLOWED, COORDINATOR: NOT_ALLOWED},
    "plans:close": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:request_close": {OWNER: OK, COORDINATOR: FORBIDDEN},
    "plans:history": {OWNER: OK, COORDINATOR: OK},
    "plans:pdf": {OWNER: OK, COORDINATOR: OK},
    "plans:archive": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:archive_download": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:goal_create": {OWNER: OK, COORDINATOR: OK},
    "plans:goal_edit": {OWNER: OK, COORDINATOR: OK},
    "plans:goal_move": {OWNER: NOT_ALLOWED, COORDINATOR: NOT_ALLOWED},
    # Ingrid is an adult: nothing of hers is withheld from parents (only a child of 12 to 16).
    "plans:goal_withhold": {OWNER: FORBIDDEN, COORDINATOR: FORBIDDEN},
    "plans:measure_withhold": {OWNER: FORBIDDEN, COORDINATOR: FORBIDDEN},
    "plans:note_withhold": {OWNER: FORBIDDEN, COORDINATOR: FORBIDDEN},
    "plans:my_plan": {OWNER: OK, COORDINATOR: FORBIDDEN},
    "plans:measure_create": {OWNER: OK, COORDINATOR: OK},
    "plans:measure_edit": {OWNER: FORBIDDEN, COORDINATOR: OK},  # a service's measure
    "plans:notes": {OWNER: OK, COORDINATOR: OK},
    "plans:note_create": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:note_correct": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:participant_create": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:participant_edit": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:participant_remove": {OWNER: NOT_ALLOWED, COORDINATOR: NOT_ALLOWED},
    "plans:cooperation_create": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:cooperation_edit": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:cooperation_delete": {OWNER: NOT_ALLOWED, COORDINATOR: NOT_ALLOWED},
    "plans:subplan_upload": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:subplan_download": {OWNER: OK, COORDINATOR: OK},
    "plans:handover_propose": {OWNER: FORBIDDEN, COORDINATOR: OK},
    "plans:handover_withdraw": {OWNER: NOT_ALLOWED, COORDINATOR: NOT_ALLOWED},
    # Only a relay log continues as a plan (tests/plans/test_relay_log.py): 404 for a plan.
    "plans:continue_as_plan": {OWNER: FORBIDDEN, COORDINATOR: NOT_FOUND},
}
# Pages that take no plan id: only staff with the right role see them.
WITHOUT_PLAN = {
    "plans:coordinator_list",
    "plans:create",
    "plans:handover_answer",
    "plans:relay_log_create",
}
EXPECTED_PLAN_ROUTES = 34


def plan_routes():
    return [r for r in all_routes() if r.name.startswith("plans:") and "plan_id" in r.kwargs]


def url_for(route, objects):
    return reverse(route.name, kwargs={name: objects[name] for name in route.kwargs})


def snapshot():
    models = [
        Plan,
        Goal,
        Measure,
        ProgressNote,
        Participant,
        CooperationNeed,
        SubPlan,
        CoordinatorHandover,
        PlanChange,
        ArchiveRecord,
        AccessLogEntry,
    ]
    return {
        m.__name__: sorted(
            m.objects.values_list("pk", "version" if hasattr(m, "version") else "pk")
        )
        for m in models
    }


def test_every_plan_url_is_in_the_matrix():
    names = {r.name for r in plan_routes()}
    assert names == set(MATRIX)
    assert len(names) == EXPECTED_PLAN_ROUTES
    plan_app = {r.name for r in all_routes() if r.name.startswith("plans:")}
    assert plan_app == set(MATRIX) | WITHOUT_PLAN


@pytest.mark.parametrize("persona", [OWNER, COORDINATOR])
def test_the_owner_and_coordinator_get_what_the_matrix_says(client, request, rich_plan, persona):
    client.force_login(request.getfixturevalue(persona))
    walked = 0
    for route in plan_routes():
        response = client.get(url_for(route, rich_plan.objects))
        assert response.status_code == MATRIX[route.name][persona], route.name
        walked += 1
    assert walked == EXPECTED_PLAN_ROUTES


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_on_every_plan_url_and_change_nothing(
    client, request, rich_plan, persona
):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    walked = 0
    for route in plan_routes():
        url = url_for(route, rich_plan.objects)
        post_only = MATRIX[route.name][OWNER] == NOT_ALLOWED
        expected_get = NOT_ALLOWED if post_only else NOT_FOUND
        assert client.get(url).status_code == expected_get, f"GET {route.name}"
        data = {"title": "x", "direction": "up", "reason": "other", "version": 1, "text": "x"}
        assert client.post(url, data).status_code == NOT_FOUND, f"POST {route.name}"
        walked += 1
    assert walked == EXPECTED_PLAN_ROUTES
    assert snapshot() == before


def test_only_the_proposed_coordinator_sees_the_handover_question(
    client, rich_plan, coordinator, stranger
):
    url = reverse("plans:handover_answer", args=[rich_plan.objects["handover_id"]])
    for outsider in (stranger, coordinator):
        client.force_login(outsider)
        assert client.get(url).status_code == NOT_FOUND
    client.force_login(rich_plan.successor)
    page = client.get(url)
    assert page.status_code == OK
    assert rich_plan.owner.display_name in page.content.decode()
    assert "Jeg vil bo hjemme" not in page.content.decode()  # no plan content before accepting


@pytest.mark.parametrize("persona", ["stranger", "case_handler", "professional"])
def test_people_without_the_coordinator_role_have_no_coordinator_pages(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("plans:coordinator_list")).status_code == NOT_FOUND
    assert client.get(reverse("plans:create")).status_code == NOT_FOUND


def test_the_guardian_reads_the_childs_plan_but_not_another(client, guardian, child_plan, plan):
    client.force_login(guardian)
    assert client.get(reverse("plans:detail", args=[child_plan.pk])).status_code == OK
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == NOT_FOUND
