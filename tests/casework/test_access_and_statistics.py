"""Everything per municipality: case handlers see their own municipality's cases, registry
and statistics, and not plan contents; citizens see their own cases. Statistics figures are
right, exported as CSV, and the queue and statistics pages cost a fixed number of queries with
10,000 cases."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework import statistics
from casework.models import Case, CoordinatorProfile
from complaints import statistics as complaint_statistics
from complaints.models import Complaint
from consent.models import AccessLogEntry
from tests.casework.conftest import apply, decide
from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# What a staff request costs before the view: session, user, roles (the authenticators only for
# a session that has not used its second factor). Then the queue's own: its page (with the count
# and the decided cases still waiting, casework.selectors.case_queue_page) and the letters to
# print.
QUEUE_BUDGET = 6
# The same, plus the monthly and plan figures (one hand-written query), the caseloads and the
# complaints.
STATISTICS_BUDGET = 6


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


# --- Access ---------------------------------------------------------------------------------


@pytest.fixture
def bakkeby_case(other_municipality):
    aud = UserFactory(first_name="Aud", last_name="Nygård")
    return apply(aud, other_municipality)


def test_a_case_handler_never_sees_another_municipalitys_case(
    client, case_handler, bakkeby_case, application
):
    client.force_login(case_handler)
    queue = client.get(reverse("casework:case_queue")).context["page_obj"]
    assert [c.pk for c in queue] == [application.pk]
    for name in ("case", "assessment", "decision", "interim_reply", "my_case"):
        url = reverse(f"casework:{name}", args=[bakkeby_case.pk])
        assert client.get(url).status_code == 404, name
    assert client.post(reverse("casework:case_assign", args=[bakkeby_case.pk])).status_code == 404
    assert not bakkeby_case.access_log.filter(actor=case_handler).exists()


def test_the_registry_and_statistics_are_per_municipality(
    client, case_handler, coordinator, other_coordinator, municipality, other_municipality
):
    CoordinatorProfile.objects.create(user=coordinator, municipality=municipality)
    CoordinatorProfile.objects.create(user=other_coordinator, municipality=other_municipality)
    PlanFactory(municipality=other_municipality, coordinator=other_coordinator)
    client.force_login(case_handler)
    registry = client.get(reverse("casework:registry")).content.decode()
    assert "Kari Nilsen" in registry and "Jon Dahl" not in registry
    stats = client.get(reverse("casework:statistics"))
    assert [p.user for p in stats.context["caseloads"]] == [coordinator]
    assert stats.context["plans"].active == 0
    other_profile = other_coordinator.memberships.get()
    assert client.get(reverse("casework:profile_edit", args=[other_profile.pk])).status_code == 404


def test_case_handlers_see_cases_not_plan_contents(client, case_handler, plan, application):
    client.force_login(case_handler)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("plans:pdf", args=[plan.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(plan=plan, actor=case_handler).exists()


def test_coordinators_and_citizens_do_not_reach_the_units_pages(
    client, coordinator, owner, application
):
    for user in (coordinator, owner):
        client.force_login(user)
        for name in ("case_queue", "registry", "statistics", "statistics_csv", "paper_application"):
            assert client.get(reverse(f"casework:{name}")).status_code == 404, name
        assert client.get(reverse("casework:case", args=[application.pk])).status_code in (
            302,
            404,
        )


def test_the_person_is_sent_to_their_own_view_of_the_case(client, owner, application):
    client.force_login(owner)
    response = client.get(reverse("casework:case", args=[application.pk]))
    assert response["Location"] == reverse("casework:my_case", args=[application.pk])
    page = client.get(response["Location"]).content.decode()
    assert application.number in page and "Hva skjer nå?" in page


def test_a_citizen_sees_only_their_own_cases(client, owner, stranger, application):
    client.force_login(stranger)
    assert list(client.get(reverse("casework:my_cases")).context["cases"]) == []
    assert client.get(reverse("casework:my_case", args=[application.pk])).status_code == 404
    client.force_login(owner)
    assert list(client.get(reverse("casework:my_cases")).context["cases"]) == [application]


def test_the_person_sees_who_has_read_their_case(client, owner, case_handler, application):
    client.force_login(case_handler)
    client.get(reverse("casework:case", args=[application.pk]))
    client.force_login(owner)
    page = client.get(reverse("casework:my_case", args=[application.pk])).content.decode()
    assert "Mona Lie" in page and "Så: Saken" in page


def test_a_parents_role_in_the_case_ends_when_the_child_comes_of_age(
    client, guardian, child, municipality, settings
):
    case = apply(child, municipality, by=guardian, coordinator=False)
    client.force_login(guardian)
    assert client.get(reverse("casework:my_case", args=[case.pk])).status_code == 200
    settings.IPPLAN_AGE_OF_CONSENT = 9  # Emma is 10: now she decides herself
    assert client.get(reverse("casework:my_case", args=[case.pk])).status_code == 404


def test_home_tells_the_citizen_about_new_letters(client, owner, application, case_handler, rule):
    decide(application, case_handler, rule)
    client.force_login(owner)
    page = client.get(reverse("home")).content.decode()
    assert "Du har 1 nytt brev fra kommunen" in page


# --- Statistics ------------------------------------------------------------------------------


NUMBERS = itertools.count(1)


def _case(municipality, person, received, decided=None, interim=None):
    return Case(
        municipality=municipality,
        number=f"S/{next(NUMBERS):06d}",
        person=person,
        kind="application",
        status="decided" if decided else "received",
        received_on=received,
        decided_on=decided,
        interim_reply_sent_on=interim,
        wants_plan=True,
        needs="x",
    )


def test_monthly_figures(municipality, other_municipality, owner):
    D = datetime.date
    today = D(2026, 11, 24)
    Case.objects.bulk_create(
        [
            _case(municipality, owner, D(2026, 9, 1), D(2026, 9, 11)),  # 10 days
            _case(municipality, owner, D(2026, 9, 2), D(2026, 9, 22)),  # 20 days
            _case(municipality, owner, D(2026, 9, 3), D(2026, 10, 13)),  # 40, no interim: late
            _case(municipality, owner, D(2026, 9, 4), D(2026, 10, 20), D(2026, 9, 30)),  # in time
            _case(municipality, owner, D(2026, 9, 5), None, D(2026, 10, 9)),  # reply after due
            _case(municipality, owner, D(2026, 11, 20)),  # not yet due
            _case(other_municipality, owner, D(2026, 9, 6), D(2026, 9, 7)),  # elsewhere
        ]
    )
    months = {
        m.start: m for m in statistics.monthly(municipality_ids=[municipality.pk], today=today)
    }
    assert len(months) == 12 and min(months) == D(2025, 12, 1)
    september, october, november = (
        months[D(2026, 9, 1)],
        months[D(2026, 10, 1)],
        months[D(2026, 11, 1)],
    )
    assert (september.received, september.decided) == (5, 2)
    assert september.median_days == 15 and september.p90_days == 20
    assert september.interim_late == 2
    assert (october.decided, october.median_days, october.p90_days) == (2, 43, 46)
    assert (november.received, november.interim_late) == (1, 0)


def test_percentile_is_nearest_rank():
    assert statistics.percentile(list(range(1, 11)), 90) == 9
    assert statistics.percentile([5], 90) == 5
    assert statistics.percentile([], 90) is None


def test_complaint_figures_by_ground_and_outcome(complaint_setup):
    figures = complaint_statistics.complaint_figures(municipality_ids=[complaint_setup])
    assert figures.total == 3
    assert figures.by_ground_and_outcome["partly"] == {"sf_upheld": 1, "received": 1}
    assert figures.by_ground_and_outcome["refused"] == {"rejected": 1}
    assert figures.median_days_at_county_governor == 20


@pytest.fixture
def complaint_setup(municipality, application):
    now = timezone.now()
    common = {"case": application, "text": "x", "channel": "app", "filed_by_name": "X"}
    Complaint.objects.create(ground="partly", received_on=TODAY, **common)
    Complaint.objects.create(
        ground="partly",
        received_on=TODAY - datetime.timedelta(days=40),
        status="closed",
        sf_outcome="upheld",
        review_started_at=now - datetime.timedelta(days=35),
        reviewed_at=now - datetime.timedelta(days=30),
        forwarded_at=now - datetime.timedelta(days=30),
        sf_decided_on=TODAY - datetime.timedelta(days=10),
        **common,
    )
    Complaint.objects.create(ground="refused", received_on=TODAY, status="rejected", **common)
    return municipality.pk


def test_the_statistics_page_has_charts_with_tables_and_a_csv(client, case_handler, application):
    client.force_login(case_handler)
    page = client.get(reverse("casework:statistics")).content.decode()
    assert page.count('<svg class="chart"') == 3 and page.count('role="img"') >= 3
    assert "<table" in page and "90. persentil" in page
    response = client.get(reverse("casework:statistics_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0][:3] == ["maaned", "mottatt", "vedtak"]
    assert len(rows) == 13
    assert rows[-1][0] == TODAY.strftime("%Y-%m") and rows[-1][1] == "1"


# --- Query budgets with 10,000 cases ---------------------------------------------------------


def _fill(municipality, count, people):
    start = TODAY - datetime.timedelta(days=360)
    cases = []
    for i in range(count):
        received = start + datetime.timedelta(days=i % 350)
        decided = received + datetime.timedelta(days=5 + i % 60) if i % 3 else None
        if decided and decided > TODAY:
            decided = None
        cases.append(_case(municipality, people[i % len(people)], received, decided))
    Case.objects.bulk_create(cases, batch_size=2000)


@pytest.fixture
def people(db):
    return [UserFactory(first_name=f"P{i}") for i in range(20)]


def test_the_queue_and_statistics_cost_the_same_for_10_and_10000_cases(
    client, case_handler, municipality, people, coordinator, settings
):
    # The statistics' snapshot in a memory cache, so that only the page's own queries count
    # (the embedded default keeps its cache in the database).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"statistics-budget-{uuid.uuid4().hex}",
        }
    }
    CoordinatorProfile.objects.create(user=coordinator, municipality=municipality)
    client.force_login(case_handler)
    statistics_url = reverse("casework:statistics")
    urls = [
        reverse("casework:case_queue"),
        reverse("casework:case_queue") + "?status=all&page=3",
        statistics_url,
        reverse("casework:statistics_csv"),
        reverse("complaints:list"),
        reverse("home"),
        statistics_url,  # again: from the snapshot
    ]

    def counts():
        cache.clear()  # the first statistics view works its snapshot out
        return [count_queries(client, url) for url in urls]

    _fill(municipality, 10, people)
    small = counts()
    _fill(municipality, 9990, people)
    large = counts()
    assert small[0] <= QUEUE_BUDGET and small[2] <= STATISTICS_BUDGET, small
    assert large[:1] + large[2:] == small[:1] + small[2:], (small, large)
    assert large[1] <= QUEUE_BUDGET
    # Seen again within SNAPSHOT_SECONDS, the page reads no figures at all.
    assert small[-1] == small[2] - 3, small


def test_home_shows_a_pending_application_instead_of_asking_to_apply(client, owner, application):
    client.force_login(owner)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.context["pending_cases"] == [application]
    assert "Saker til behandling" in page and application.number in page
    assert reverse("casework:apply") not in page


def test_home_invites_a_citizen_without_cases_to_apply(client, owner):
    client.force_login(owner)
    assert reverse("casework:apply") in client.get(reverse("home")).content.decode()


# --- The administrator persona in the casework matrix (issue 9, point 1) ----------------------

CASE_ID_KWARGS = {"case_id", "decision_id", "letter_id", "complaint_id"}
EXPECTED_CASE_ROUTES = 19
CASEWORK_PAGES = [
    "casework:case_queue",
    "casework:paper_application",
    "casework:statistics",
    "casework:statistics_csv",
    "casework:representations",
    "complaints:list",
]


def _casework_snapshot():
    from casework.models import CaseAccessLogEntry, Decision, Letter

    models = [Case, Decision, Letter, Complaint, CaseAccessLogEntry, AccessLogEntry]
    return {m.__name__: sorted(map(str, m.objects.values_list())) for m in models}


@pytest.mark.parametrize("persona", ["administrator", "other_coordinator"])
def test_an_administrator_gets_404_on_every_case_url_and_changes_nothing(
    client, request, persona, application, case_handler, rule
):
    from casework.models import Letter
    from tests.urlwalk import all_routes

    decision = decide(application, case_handler, rule)
    complaint = Complaint.objects.create(
        case=application, text="x", channel="app", filed_by_name="X", ground="partly",
        received_on=TODAY,
    )  # fmt: skip
    ids = {
        "case_id": application.pk,
        "decision_id": decision.pk,
        "letter_id": Letter.objects.filter(case=application).first().pk,
        "complaint_id": complaint.pk,
    }
    routes = [r for r in all_routes() if set(r.kwargs) & CASE_ID_KWARGS]
    client.force_login(request.getfixturevalue(persona))
    before = _casework_snapshot()
    data = {"text": "x", "to_user": "1", "plan_outcome": "granted", "ground": "partly"}
    for route in routes:
        url = reverse(route.name, kwargs={k: ids[k] for k in route.kwargs})
        got = client.get(url)
        # POST-only actions refuse every GET alike (405, before any lookup): no oracle.
        assert got.status_code == 404 or got.get("Allow") == "POST", f"GET {route.name}"
        assert client.post(url, data).status_code == 404, f"POST {route.name}"
    for name in CASEWORK_PAGES:
        assert client.get(reverse(name)).status_code == 404, name
    assert len(routes) == EXPECTED_CASE_ROUTES  # a silent shrink of the walk fails here
    assert _casework_snapshot() == before


def test_missing_training_is_said_in_normal_case_and_the_edit_link_does_not_wrap(
    client, case_handler, untrained
):
    from casework.forms import AppointForm

    untrained.caseload = 0
    form = AppointForm(profiles=[untrained])
    labels = [str(label) for _value, label in form.fields["coordinator"].choices]
    assert "Eva Moen – mangler opplæring, 0 planer" in labels
    assert not any("MANGLER" in label for label in labels)
    client.force_login(case_handler)
    registry = client.get(reverse("casework:registry")).content.decode()
    assert '<td class="cell-action"><a class="ds-link"' in registry
