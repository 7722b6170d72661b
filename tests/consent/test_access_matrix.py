"""Every plan URL for every persona, from one declarative table, walked in full.

Columns: Emma (owner, 10), Lars (her father, decides for her), Kari (coordinator), Nina (grant
on measures, read and write), Tor (grant on goals only). Everyone else gets 404 on every URL,
for GET and POST, and the database stays as it was: Eva (grant ended one second ago), Rolf
(grant revoked), a case handler, the municipality's administrator, a coordinator in another
municipality and a stranger.
"""

import pytest
from django.urls import reverse

from consent.models import AccessGrant, AccessLogEntry, Consent, Invitation
from plans.models import Goal, Measure, Participant, Plan, PlanChange, ProgressNote, SubPlan
from tests.urlwalk import all_routes

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
COLUMNS = ("owner", "guardian", "coordinator", "nurse", "teacher")
OUTSIDERS = (
    "expired",
    "revoked",
    "case_handler",
    "administrator",
    "other_coordinator",
    "stranger",
)
F, N, A = FORBIDDEN, NOT_FOUND, NOT_ALLOWED
MATRIX = {
    #                               owner guard. coord. nurse teacher
    "plans:detail":                 (OK, OK, OK, OK, OK),
    "plans:details_edit":           (F, F, OK, F, F),
    "plans:about_me_edit":          (OK, OK, OK, N, N),
    "plans:activate":               (A, A, A, A, A),
    "plans:close":                  (F, F, OK, F, F),
    "plans:request_close":          (OK, OK, F, F, F),
    "plans:convert_to_ip":          (A, A, A, A, A),
    "plans:history":                (OK, OK, OK, OK, OK),
    "plans:pdf":                    (OK, OK, OK, OK, OK),
    "plans:archive":                (F, F, OK, F, F),
    "plans:archive_download":       (F, F, OK, F, F),
    "plans:goal_create":            (OK, OK, OK, N, F),
    "plans:goal_edit":              (OK, OK, OK, N, F),
    "plans:goal_move":              (A, A, A, A, A),
    "plans:goal_withhold":          (F, F, OK, N, F),
    "plans:measure_create":         (OK, OK, OK, OK, N),
    "plans:measure_edit":           (F, F, OK, OK, N),
    "plans:measure_withhold":       (F, F, OK, F, N),
    "plans:notes":                  (OK, OK, OK, N, N),
    "plans:note_create":            (F, F, OK, N, N),
    "plans:note_correct":           (F, F, OK, N, N),
    "plans:note_withhold":          (F, F, OK, N, N),
    "plans:my_plan":                (OK, F, F, F, F),
    "plans:participant_create":     (F, F, OK, N, N),
    "plans:participant_edit":       (F, F, OK, N, N),
    "plans:participant_remove":     (A, A, A, A, A),
    "plans:cooperation_create":     (F, F, OK, N, N),
    "plans:cooperation_edit":       (F, F, OK, N, N),
    "plans:cooperation_delete":     (A, A, A, A, A),
    "plans:subplan_upload":         (F, F, OK, N, N),
    "plans:subplan_download":       (OK, OK, OK, N, N),
    "plans:handover_propose":       (F, F, OK, F, F),
    "plans:handover_withdraw":      (A, A, A, A, A),
    # Only for a relay log whose owner has been granted an individual plan (not this plan).
    "plans:continue_as_plan":       (F, F, N, F, F),
    "consent:overview":             (OK, OK, OK, F, F),
    "consent:give":                 (F, OK, F, F, F),
    "consent:paper":                (F, F, OK, F, F),
    "consent:withdraw":             (F, OK, F, F, F),
    "consent:aftercare":            (F, F, F, F, F),
    "consent:to_ip":                (A, A, A, A, A),
    "consent:access":               (OK, OK, OK, F, F),
    "consent:access_edit":          (F, OK, OK, F, F),
    "consent:access_answer":        (A, A, A, A, A),
    "consent:access_revoke":        (F, OK, F, F, F),
    "consent:access_extend":        (A, A, A, A, A),
    "consent:log":                  (OK, OK, F, F, F),
    "consent:invite":               (F, F, OK, F, F),
    "consent:owner_account":        (F, F, OK, F, F),
    "coordination:meetings":        (OK, OK, OK, N, N),
    "coordination:meeting_create":  (F, F, OK, N, N),
    "coordination:meeting":         (OK, OK, OK, N, N),
    "coordination:meeting_edit":    (F, F, OK, N, N),
    "coordination:meeting_cancel":  (A, A, A, A, A),
    "coordination:meeting_respond": (A, A, A, A, A),
    "coordination:agenda_propose":  (A, A, A, A, A),
    "coordination:meeting_calendar": (OK, OK, OK, N, N),
    "coordination:minutes_edit":    (F, F, OK, N, N),
    "coordination:minutes_approve": (A, A, A, A, A),
    "coordination:action_point_measure": (A, A, A, A, A),
    "coordination:threads":         (OK, OK, OK, N, N),
    "coordination:thread_create":   (OK, OK, OK, N, N),
    "coordination:thread":          (OK, OK, OK, N, N),
}  # fmt: skip
EXPECTED_ROUTES = 62
# Views under @require_POST answer every GET with 405 before looking at the plan: the same
# answer for an outsider, an insider and a plan that does not exist, so it reveals nothing.
POST_ONLY = {
    "plans:activate",
    "plans:convert_to_ip",
    "consent:to_ip",
    "plans:goal_move",
    "plans:participant_remove",
    "plans:cooperation_delete",
    "plans:handover_withdraw",
    "consent:access_answer",
    "consent:access_extend",
    "coordination:meeting_cancel",
    "coordination:meeting_respond",
    "coordination:agenda_propose",
    "coordination:minutes_approve",
    "coordination:action_point_measure",
}


@pytest.fixture
def objects(access_plan, coordinator, guardian, settings, tmp_path):
    """One object of each kind in Emma's plan, for the URLs that take an id."""
    from tests.plans.conftest import build_objects

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    ids = build_objects(access_plan, coordinator, guardian)
    ids["participant_id"] = access_plan.people["nurse_participant"].pk
    return ids


def plan_routes():
    return [r for r in all_routes() if "plan_id" in r.kwargs]


def url_for(route, ids):
    return reverse(route.name, kwargs={name: ids[name] for name in route.kwargs})


def persona(request, access_plan, name):
    if name in access_plan.people:
        return access_plan.people[name]
    return request.getfixturevalue({"owner": "child"}.get(name, name))


def snapshot():
    models = [
        Plan,
        Goal,
        Measure,
        ProgressNote,
        Participant,
        SubPlan,
        PlanChange,
        AccessGrant,
        Consent,
        Invitation,
        AccessLogEntry,
    ]
    return {m.__name__: sorted(map(str, m.objects.values_list())) for m in models}


def test_every_plan_url_is_in_the_matrix():
    names = [r.name for r in plan_routes()]
    assert sorted(names) == sorted(MATRIX)
    assert len(names) == EXPECTED_ROUTES


@pytest.mark.parametrize("column", COLUMNS)
def test_each_persona_gets_what_the_matrix_says(client, request, access_plan, objects, column):
    client.force_login(persona(request, access_plan, column))
    index = COLUMNS.index(column)
    walked = 0
    for route in plan_routes():
        status = client.get(url_for(route, objects)).status_code
        assert status == MATRIX[route.name][index], f"{column} GET {route.name}"
        walked += 1
    assert walked == EXPECTED_ROUTES


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_get_404_everywhere_and_change_nothing(
    client, request, access_plan, objects, outsider
):
    client.force_login(persona(request, access_plan, outsider))
    before = snapshot()
    walked = 0
    data = {
        "title": "x",
        "direction": "up",
        "reason": "other",
        "version": 1,
        "text": "x",
        "answer": "accept",
        "ends_on": "2030-01-01",
        "confirm": "on",
        "email": "a@b.no",
    }
    for route in plan_routes():
        url = url_for(route, objects)
        expected_get = NOT_ALLOWED if route.name in POST_ONLY else NOT_FOUND
        assert client.get(url).status_code == expected_get, f"{outsider} GET {route.name}"
        assert client.post(url, data).status_code == NOT_FOUND, f"{outsider} POST {route.name}"
        walked += 1
    assert walked == EXPECTED_ROUTES
    assert snapshot() == before


def test_post_only_urls_answer_get_alike_whether_or_not_the_plan_exists(
    client, access_plan, objects, stranger
):
    client.force_login(stranger)
    missing = dict.fromkeys(objects, 999_999)
    for route in plan_routes():
        if route.name in POST_ONLY:
            assert client.get(url_for(route, objects)).status_code == NOT_ALLOWED, route.name
            assert client.get(url_for(route, missing)).status_code == NOT_ALLOWED, route.name
