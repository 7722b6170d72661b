"""One page view or download is one access-log entry that names what it showed.

The walk takes every plan and case URL from the URL resolver (so a new page cannot be
forgotten), opens it as the coordinator or the case handler, and checks that each successful
GET wrote exactly one read entry naming the sections (or case parts) the page shows, and that a
refused or POST-only URL wrote none.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Case, CaseAccessLogEntry, ComplaintRule
from casework.services.cases import assessment_save
from complaints.models import Complaint
from complaints.services import complaint_file, complaint_forward, complaint_start_review
from consent.models import AccessLogEntry
from ipplan.files import private_storage
from tests.casework.conftest import RULES, apply, decide
from tests.plans.conftest import MINIMAL_PDF, build_objects
from tests.urlwalk import all_routes

pytestmark = pytest.mark.django_db

O, AB, G, M, N, D, P, ME, MS = (  # noqa: E741
    "overview",
    "about_me",
    "goals",
    "measures",
    "notes",
    "documents",
    "participants",
    "meetings",
    "messages",
)
EVERY = [AB, G, M, N, ME, MS, D, P]  # the plan's order (plans.sections.Section)
NO_READ = None  # POST-only, or not for this persona: no read entry at all

# What one GET shows, as the coordinator: (action, sections in the entry).
PLAN_PAGES = {
    "plans:detail": ("read", [O, *EVERY]),
    "plans:details_edit": ("read", [O]),
    "plans:about_me_edit": ("read", [O, AB]),
    "plans:activate": NO_READ,
    "plans:convert_to_ip": NO_READ,
    "plans:close": ("read", [O]),
    "plans:request_close": NO_READ,  # the owner's side asks; the coordinator gets 403
    "plans:history": ("read", [O, *EVERY]),
    "plans:pdf": ("export", [O, AB, G, M, N, D, P]),
    "plans:archive": ("read", [O]),
    "plans:archive_download": ("download", [O, *EVERY]),
    "plans:goal_create": ("read", [O, G]),
    "plans:goal_edit": ("read", [O, G]),
    "plans:goal_move": NO_READ,
    "plans:measure_create": ("read", [O, M, G, P]),
    "plans:measure_edit": ("read", [O, M, G, P]),
    "plans:notes": ("read", [O, N, G, M]),
    "plans:note_create": ("read", [O, N, G, M]),
    "plans:note_correct": ("read", [O, N]),
    # The coordinator of an adult's plan: nothing to withhold (403, no entry); tested with a
    # child of 13 in tests/plans/test_withheld.py.
    "plans:goal_withhold": NO_READ,
    "plans:measure_withhold": NO_READ,
    "plans:note_withhold": NO_READ,
    "plans:my_plan": NO_READ,  # the owner's own view; tested in tests/plans/test_my_plan.py
    "plans:participant_create": ("read", [O, P]),
    "plans:participant_edit": ("read", [O, P]),
    "plans:participant_remove": NO_READ,
    "plans:cooperation_create": ("read", [O, P]),
    "plans:cooperation_edit": ("read", [O, P]),
    "plans:cooperation_delete": NO_READ,
    "plans:subplan_upload": ("read", [O]),
    "plans:subplan_download": ("download", [O, D]),
    "plans:handover_propose": ("read", [O]),
    "plans:handover_withdraw": NO_READ,
    "plans:continue_as_plan": NO_READ,  # an individual plan: only a relay log continues
    "plans:handover_answer": ("read", [O]),  # as the proposed successor
    "consent:overview": ("read", [O]),
    "consent:give": NO_READ,  # the owner's side gives consent
    "consent:paper": ("read", [O]),
    "consent:withdraw": NO_READ,
    "consent:aftercare": NO_READ,  # the young person alone, once in care; refused here
    "consent:to_ip": NO_READ,
    "consent:access": ("read", [O, P]),
    "consent:access_edit": ("read", [O, P]),
    "consent:access_answer": NO_READ,
    "consent:access_revoke": NO_READ,
    "consent:access_extend": NO_READ,
    "consent:log": NO_READ,  # the owner's side only, and reading the log is not a plan read
    "consent:invite": ("read", [O]),
    "consent:owner_account": ("read", [O]),
    "coordination:meetings": ("read", [O, ME]),
    "coordination:meeting_create": ("read", [O, ME, P]),
    "coordination:meeting": ("read", [O, ME, G, P]),
    "coordination:meeting_edit": ("read", [O, ME, P]),
    "coordination:meeting_cancel": NO_READ,
    "coordination:meeting_respond": NO_READ,
    "coordination:agenda_propose": NO_READ,
    "coordination:meeting_calendar": ("download", [O, ME]),
    "coordination:minutes_edit": ("read", [O, ME, G, P]),
    "coordination:minutes_approve": NO_READ,
    "coordination:action_point_measure": NO_READ,
    "coordination:threads": ("read", [O, MS]),
    "coordination:thread_create": ("read", [O, MS]),
    "coordination:thread": ("read", [O, MS]),
}

# What one GET shows, as the case handler: the parts named in the case's log.
CASE_PAGES = {
    "casework:case": ["Saken", "Vurdering", "Vedtak", "Brev", "Klage"],
    "casework:case_assign": NO_READ,
    "casework:assessment": ["Vurdering"],
    "casework:interim_reply": ["Foreløpig svar"],
    "casework:decision": ["Vedtak", "Vurdering"],
    "casework:appoint": ["Vedtak", "Oppnevning av koordinator"],
    "casework:scanned_form": ["Skannet søknad"],
    "casework:delivery_printed": NO_READ,
    "casework:my_case": NO_READ,  # the person's page: a handler is sent to the case page
    "casework:letter": ["Vedtak om individuell plan og koordinator"],
    "complaints:detail": ["Klage", "Vedtak"],
    "complaints:start_review": NO_READ,
    "complaints:reverse": NO_READ,
    "complaints:reject": NO_READ,
    "complaints:forward": NO_READ,
    "complaints:outcome": NO_READ,
    "complaints:withdraw": NO_READ,
    "complaints:case_file": ["Saksdokumenter til Statsforvalteren"],
    "complaints:file": ["Klage", "Vedtak"],
}

PLAN_KEYS = {"plan_id", "handover_id"}
CASE_KEYS = {"case_id", "complaint_id", "letter_id"}


def routes_with(keys):
    return [r for r in all_routes() if keys & set(r.kwargs)]


def test_every_plan_and_case_url_is_in_the_tables():
    assert {r.name for r in routes_with(PLAN_KEYS)} == set(PLAN_PAGES)
    assert {r.name for r in routes_with(CASE_KEYS)} == set(CASE_PAGES)
    assert (len(PLAN_PAGES), len(CASE_PAGES)) == (63, 19)


@pytest.fixture
def rich_plan(plan, coordinator, owner, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    plan.ids = build_objects(plan, coordinator, owner)
    return plan


def _inserts_into(captured, table: str) -> int:
    return sum(q["sql"].lstrip().startswith(f'INSERT INTO "{table}"') for q in captured)


@pytest.mark.parametrize("name", sorted(PLAN_PAGES))
def test_each_plan_page_view_is_one_entry_naming_its_sections(client, rich_plan, coordinator, name):
    """Every URL that takes a plan: a successful GET writes exactly one entry, in one INSERT,
    naming what the page showed; a refused or POST-only URL writes none."""
    route = next(r for r in routes_with(PLAN_KEYS) if r.name == name)
    user = rich_plan.successor if name == "plans:handover_answer" else coordinator
    client.force_login(user)
    last = _last_pk(AccessLogEntry)
    url = reverse(name, kwargs={k: rich_plan.ids[k] for k in route.kwargs})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    new = list(AccessLogEntry.objects.filter(pk__gt=last).order_by("pk"))
    expected = PLAN_PAGES[name]
    if expected is NO_READ:
        assert not (200 <= response.status_code < 300)
        assert new == []
        return
    assert response.status_code == 200
    assert [(e.action, e.sections) for e in new] == [expected]
    assert (new[0].actor, new[0].actor_role) == (user, "coordinator")
    assert _inserts_into(queries.captured_queries, AccessLogEntry._meta.db_table) == 1


def test_the_walk_covers_38_plan_pages_that_read():
    assert sum(expected is not NO_READ for expected in PLAN_PAGES.values()) == 38


# Pages that name plans (whose, who coordinates, status, next dates, counts) but show no
# section's content: they write no entry at all.
LIST_PAGES = ["home", "plans:coordinator_list"]


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("persona", ["coordinator", "guardian", "nurse"])
def test_lists_and_home_pages_write_no_entry(
    client, access_plan, coordinator, guardian, name, persona
):
    user = {"coordinator": coordinator, "guardian": guardian, "nurse": access_plan.people["nurse"]}
    client.force_login(user[persona])
    last = _last_pk(AccessLogEntry)
    response = client.get(reverse(name))
    if name == "home":
        context = response.context
        shown = [
            *context.get("own_plans", []),
            *(context.get("coordinated_plans") or []),
            *context.get("participating_plans", []),
        ]
        assert access_plan in shown  # the page does name the plan
    else:  # only coordinators have the plan list
        assert response.status_code == (200 if persona == "coordinator" else 404)
    assert not AccessLogEntry.objects.filter(pk__gt=last).exists()


def _last_pk(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def case_ids(owner, municipality, case_handler, settings, tmp_path):
    """Ingrid's case with an assessment, a decision and its letter, a forwarded complaint with
    its case file, and a scanned application form."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    reference_code, weeks, for_health_rights = RULES["pbrl-7-5"]
    rule, _ = ComplaintRule.objects.get_or_create(
        code="pbrl-7-5",
        defaults={
            "reference_code": reference_code,
            "weeks": weeks,
            "for_health_rights": for_health_rights,
            "description": "-",
        },
    )
    case = apply(owner, municipality)
    assessment_save(
        case=case,
        acting_user=case_handler,
        long_term=True,
        two_or_more_services=True,
        seen_together=True,
        consent_present=True,
        reasons="Langvarig og sammensatt behov.",
    )
    decision = decide(case, case_handler, rule, plan="partly")
    complaint = complaint_file(
        case=case,
        decision=decision,
        ground=Complaint.Ground.PARTLY,
        text="Jeg trenger koordinator nå.",
        acting_user=owner,
    )
    complaint_start_review(complaint=complaint, acting_user=case_handler)
    complaint_forward(complaint=complaint, assessment="Vedtaket står.", acting_user=case_handler)
    scan = private_storage().save("scans/soknad.pdf", ContentFile(MINIMAL_PDF))
    Case.objects.filter(pk=case.pk).update(scanned_form=scan)
    return {
        "case_id": case.pk,
        "decision_id": decision.pk,
        "complaint_id": complaint.pk,
        "letter_id": decision.letter_id,
    }


def test_each_case_page_view_is_one_case_log_entry_naming_what_it_showed(
    client, case_ids, case_handler
):
    client.force_login(case_handler)
    walked = 0
    for route in routes_with(CASE_KEYS):
        last = _last_pk(CaseAccessLogEntry)
        response = client.get(reverse(route.name, kwargs={k: case_ids[k] for k in route.kwargs}))
        new = list(CaseAccessLogEntry.objects.filter(pk__gt=last, action="read"))
        expected = CASE_PAGES[route.name]
        if expected is NO_READ:
            assert not (200 <= response.status_code < 300), route.name
            assert new == [], route.name
            continue
        assert response.status_code == 200, route.name
        assert [(e.actor, e.shown) for e in new] == [(case_handler, expected)], route.name
        walked += 1
    assert walked == 10


def test_the_person_reads_what_the_case_handler_saw(client, case_ids, case_handler, owner):
    client.force_login(case_handler)
    client.get(reverse("casework:case", args=[case_ids["case_id"]]))
    client.get(reverse("casework:decision", args=[case_ids["case_id"]]))
    client.force_login(owner)
    page = client.get(reverse("casework:my_case", args=[case_ids["case_id"]]))
    text = " ".join(page.content.decode().split())
    assert "Så: Saken, Vurdering, Vedtak, Brev, Klage" in text
    assert "Så: Vedtak, Vurdering" in text


def test_a_refused_form_or_a_missing_object_writes_no_read(client, rich_plan, coordinator):
    client.force_login(coordinator)
    last = _last_pk(AccessLogEntry)
    goal_url = reverse("plans:goal_edit", args=[rich_plan.pk, rich_plan.ids["goal_id"]])
    assert client.post(goal_url, {"title": "", "version": "x"}).status_code == 400
    assert client.get(reverse("plans:goal_edit", args=[rich_plan.pk, 999999])).status_code == 404
    assert not AccessLogEntry.objects.filter(pk__gt=last).exists()


def test_the_case_file_holds_the_plan_so_its_download_is_one_plan_entry_too(
    client, plan, case_ids, case_handler, owner
):
    """The case file sent to Statsforvalteren includes the plan: each download of it is one
    entry in the plan's own log (beside the case log), naming what the file holds."""
    made = AccessLogEntry.objects.get(plan=plan, action="export", actor_role="case_handler")
    client.force_login(case_handler)
    last = _last_pk(AccessLogEntry)
    url = reverse("complaints:case_file", args=[case_ids["complaint_id"]])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    new = list(AccessLogEntry.objects.filter(pk__gt=last))
    assert [(e.plan, e.actor, e.actor_role, e.action, e.sections) for e in new] == [
        (plan, case_handler, "case_handler", "download", made.sections)
    ]
    assert _inserts_into(queries.captured_queries, AccessLogEntry._meta.db_table) == 1
    client.force_login(owner)
    text = " ".join(client.get(reverse("consent:log", args=[plan.pk])).content.decode().split())
    assert "<strong>Mona Lie, saksbehandler</strong>, lastet ned " in text


def test_a_case_file_without_a_plan_writes_no_plan_entry(client, case_ids, case_handler):
    client.force_login(case_handler)
    last = _last_pk(AccessLogEntry)
    url = reverse("complaints:case_file", args=[case_ids["complaint_id"]])
    assert client.get(url).status_code == 200
    assert not AccessLogEntry.objects.filter(pk__gt=last).exists()
