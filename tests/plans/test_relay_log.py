"""A child's relay log (stafettlogg): created by a professional in a service, consented to by
both parents (or the young person from 15 where the municipality's routine says so), handed
on like a baton from kindergarten to school, and continued as an individual plan once the
right to one is granted, with nothing lost. Tried by every staff role as an attacker."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffMembership
from casework.services.cases import decision_appoint
from consent.models import AccessGrant, AccessLogEntry, Consent
from consent.services.consents import plan_consent_give
from consent.services.grants import grants_decide
from plans.models import (
    ArchiveRecord,
    CoordinatorHandover,
    Goal,
    Measure,
    Participant,
    Plan,
    PlanChange,
    ProgressNote,
)
from plans.services.goals import goal_create
from plans.services.handover import handover_propose, handover_respond
from plans.services.lifecycle import plan_activate, plan_close
from plans.services.measures import measure_create
from plans.services.notes import note_create
from plans.services.participants import participant_add
from plans.services.relay import (
    ALREADY_OPEN,
    IP_NOT_GRANTED,
    NOT_A_CHILD,
    ONLY_SERVICES_CREATE,
    relay_log_continue_as_plan,
    relay_log_create,
)
from tests.casework import conftest as casework_fixtures
from tests.casework.conftest import apply, decide
from tests.factories import (
    OrganisationFactory,
    PlanFactory,
    UserFactory,
    represent,
    staff,
    with_national_id,
)

Role = StaffMembership.Role
# The coordinating unit's fixtures: complaint rules and Kari in the coordinator registry.
rules, rule, trained = casework_fixtures.rules, casework_fixtures.rule, casework_fixtures.trained


@pytest.fixture
def kindergarten(municipality):
    return OrganisationFactory(municipality=municipality, name="Solsiden barnehage")


@pytest.fixture
def school(municipality):
    return OrganisationFactory(municipality=municipality, name="Fjordvik skole")


@pytest.fixture
def tone(municipality, kindergarten):
    """Tone: pedagogical leader at the kindergarten; starts the relay log."""
    return staff(
        Role.PROFESSIONAL,
        municipality,
        organisation=kindergarten,
        username="tone",
        first_name="Tone",
        last_name="Lund",
    )


@pytest.fixture
def sara(municipality, school):
    """Sara: teacher at the school; takes over the baton."""
    return staff(
        Role.PROFESSIONAL,
        municipality,
        organisation=school,
        username="sara",
        first_name="Sara",
        last_name="Ali",
    )


@pytest.fixture
def ola(municipality, kindergarten):
    """Ola: another kindergarten teacher, holder of another child's relay log."""
    user = staff(
        Role.PROFESSIONAL,
        municipality,
        organisation=kindergarten,
        username="ola",
        first_name="Ola",
        last_name="Vik",
    )
    other_child = with_national_id(UserFactory(first_name="Nora"), datetime.date(2021, 5, 1))
    PlanFactory(
        municipality=municipality, owner=other_child, coordinator=user, kind=Plan.Kind.RELAY_LOG
    )
    return user


@pytest.fixture
def mari(child):
    """Mari: Emma's mother, who also has parental responsibility."""
    user = UserFactory(username="mari", first_name="Mari", last_name="Berg")
    represent(child, user)
    return user


@pytest.fixture
def relay(child, guardian, tone, municipality):
    """Emma's relay log, held by Tone, consented to by her father and in use, with content."""
    plan = relay_log_create(owner=child, municipality=municipality, acting_user=tone)
    plan_consent_give(plan=plan, acting_user=guardian)
    plan_activate(plan=plan, acting_user=tone)
    plan.refresh_from_db()
    tone_p = participant_add(
        plan=plan, acting_user=tone, user=tone, name="Tone Lund", role="service_provider"
    )
    goal = goal_create(plan=plan, acting_user=tone, title="Emma blir forstått")
    measure = measure_create(
        plan=plan,
        goal=goal,
        acting_user=tone,
        title="Språkgruppe",
        bti_level=Measure.BtiLevel.ONE_SERVICE,
        responsible=tone_p,
        start_date=datetime.date(2026, 8, 1),
        deadline=datetime.date(2027, 1, 15),
    )
    note_create(
        plan=plan,
        measure=measure,
        noted_on=timezone.localdate(),
        acting_user=tone,
        text="Overføringsmøte med skolen.",
    )
    plan.refresh_from_db()
    return plan


def _handed_to(plan, sara, tone):
    handover = handover_propose(plan=plan, to_coordinator=sara, message="", acting_user=tone)
    handover_respond(handover=handover, accept=True, acting_user=sara)
    plan.refresh_from_db()
    return plan


def _contents(plan):
    return {
        "goals": sorted(Goal.objects.filter(plan=plan).values_list("pk", flat=True)),
        "measures": sorted(Measure.objects.filter(plan=plan).values_list("pk", flat=True)),
        "notes": sorted(ProgressNote.objects.filter(plan=plan).values_list("pk", flat=True)),
        "participants": sorted(Participant.objects.filter(plan=plan).values_list("pk", flat=True)),
        "grants": sorted(AccessGrant.objects.filter(plan=plan).values_list("pk", flat=True)),
        "consents": sorted(Consent.objects.filter(plan=plan).values_list("pk", flat=True)),
        "about": (plan.what_matters, plan.needs),
    }


# --- Creating one ------------------------------------------------------------------------------


def test_a_kindergarten_teacher_creates_a_relay_log_she_holds(client, tone, child):
    client.force_login(tone)
    assert client.get(reverse("plans:relay_log_create")).status_code == 200
    response = client.post(
        reverse("plans:relay_log_create"),
        {"national_id": child.get_national_id(), "first_name": "Emma", "last_name": "Berg"},
    )
    plan = Plan.objects.get(owner=child)
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert (plan.kind, plan.status, plan.coordinator) == (
        Plan.Kind.RELAY_LOG,
        Plan.Status.DRAFT,
        tone,
    )
    assert PlanChange.objects.filter(plan=plan, message="Stafettloggen ble opprettet").exists()
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Stafettloggen til Emma Berg" in page and "For stafettholder" in page
    assert "Bekymringen" in page


@pytest.mark.parametrize("who", ["case_handler", "administrator", "stranger"])
def test_only_staff_in_a_service_or_coordinators_create_one(client, request, who, child):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("plans:relay_log_create")).status_code == 404
    response = client.post(
        reverse("plans:relay_log_create"),
        {"national_id": child.get_national_id(), "first_name": "Emma", "last_name": "Berg"},
    )
    assert response.status_code == 404
    assert not Plan.objects.exists()


def test_the_service_refuses_a_case_handler_and_staff_of_another_municipality(
    case_handler, other_coordinator, child, municipality
):
    for user in (case_handler, other_coordinator):
        with pytest.raises(PermissionDenied) as refused:
            relay_log_create(owner=child, municipality=municipality, acting_user=user)
        assert str(refused.value) == str(ONLY_SERVICES_CREATE)


def test_a_coordinator_may_also_create_one(coordinator, child, municipality):
    plan = relay_log_create(owner=child, municipality=municipality, acting_user=coordinator)
    assert plan.kind == Plan.Kind.RELAY_LOG and plan.coordinator == coordinator


def test_a_relay_log_is_for_children_only(client, tone, owner):
    client.force_login(tone)
    response = client.post(
        reverse("plans:relay_log_create"),
        {"national_id": owner.get_national_id(), "first_name": "Ingrid", "last_name": "Haugen"},
    )
    assert response.status_code == 400
    assert str(NOT_A_CHILD) in response.content.decode()
    assert not Plan.objects.exists()


def test_a_child_with_an_open_plan_gets_no_second_record(tone, child_plan, child, municipality):
    with pytest.raises(ValidationError) as refused:
        relay_log_create(owner=child, municipality=municipality, acting_user=tone)
    assert refused.value.messages == [str(ALREADY_OPEN)]
    assert Plan.objects.filter(owner=child).count() == 1


# --- Consent -----------------------------------------------------------------------------------


def test_both_parents_must_consent_before_it_is_taken_into_use(
    tone, child, guardian, mari, municipality
):
    plan = relay_log_create(owner=child, municipality=municipality, acting_user=tone)
    plan_consent_give(plan=plan, acting_user=guardian)
    with pytest.raises(ValidationError):
        plan_activate(plan=plan, acting_user=tone)
    plan_consent_give(plan=plan, acting_user=mari)
    plan_activate(plan=plan, acting_user=tone)
    plan.refresh_from_db()
    # A relay log needs no plan period: it runs until handed on, continued or closed.
    assert plan.status == Plan.Status.ACTIVE and plan.period_end is None


@pytest.fixture
def youth(municipality, guardian):
    """Jonas, 15: Lars' son."""
    today = timezone.localdate()
    user = with_national_id(
        UserFactory(username="jonas", first_name="Jonas", last_name="Berg"),
        today.replace(year=today.year - 15) - datetime.timedelta(days=3),
    )
    represent(user, guardian)
    return user


def test_from_15_the_young_person_consents_where_the_municipality_says_so(
    youth, guardian, tone, municipality
):
    municipality.relay_log_own_consent = True
    municipality.save()
    plan = relay_log_create(owner=youth, municipality=municipality, acting_user=tone)
    with pytest.raises(PermissionDenied):
        plan_consent_give(plan=plan, acting_user=guardian)
    consent = plan_consent_give(plan=plan, acting_user=youth)
    assert consent.given_by_role == Consent.GiverRole.OWNER and consent.complete_at
    plan_activate(plan=plan, acting_user=tone)


def test_without_that_routine_the_parents_consent_for_a_15_year_old(
    youth, guardian, tone, municipality
):
    plan = relay_log_create(owner=youth, municipality=municipality, acting_user=tone)
    with pytest.raises(PermissionDenied):
        plan_consent_give(plan=plan, acting_user=youth)
    consent = plan_consent_give(plan=plan, acting_user=guardian)
    assert consent.given_by_role == Consent.GiverRole.PARENT


def test_the_routine_does_not_change_who_consents_to_an_individual_plan(
    youth, guardian, coordinator, municipality
):
    municipality.relay_log_own_consent = True
    municipality.save()
    plan = PlanFactory(
        municipality=municipality, owner=youth, coordinator=coordinator, status="draft"
    )
    consent = plan_consent_give(plan=plan, acting_user=guardian)
    assert consent.given_by_role == Consent.GiverRole.PARENT


# --- The baton ---------------------------------------------------------------------------------


def test_the_baton_goes_from_kindergarten_to_school_when_the_teacher_accepts(
    client, relay, tone, sara
):
    client.force_login(tone)
    form = client.get(reverse("plans:handover_propose", args=[relay.pk])).content.decode()
    assert "Gi stafettpinnen videre" in form and "Sara Ali (Fjordvik skole)" in form
    client.post(reverse("plans:handover_propose", args=[relay.pk]), {"to_coordinator": sara.pk})
    handover = CoordinatorHandover.objects.get(plan=relay)
    relay.refresh_from_db()
    assert relay.coordinator == tone  # until Sara accepts

    client.force_login(sara)
    home = client.get(reverse("home")).content.decode()
    assert reverse("plans:handover_answer", args=[handover.pk]) in home
    answer = client.get(reverse("plans:handover_answer", args=[handover.pk])).content.decode()
    assert "overtar stafettpinnen" in answer
    client.post(reverse("plans:handover_answer", args=[handover.pk]), {"answer": "accept"})
    relay.refresh_from_db()
    assert relay.coordinator == sara
    messages = set(PlanChange.objects.filter(plan=relay).values_list("message", flat=True))
    assert {
        "Foreslo å gi stafettpinnen videre til %(name)s",
        "%(name)s overtok stafettpinnen",
    } <= messages
    assert client.get(reverse("plans:detail", args=[relay.pk])).status_code == 200


def test_the_old_holder_keeps_only_what_the_parents_granted(client, relay, tone, sara, guardian):
    _handed_to(relay, sara, tone)
    client.force_login(tone)
    assert client.get(reverse("plans:detail", args=[relay.pk])).status_code == 404
    grants_decide(
        plan=relay,
        participant=Participant.objects.get(plan=relay, user=tone),
        levels={"goals": "read"},
        ends_on=timezone.localdate() + datetime.timedelta(days=60),
        acting_user=guardian,
    )
    page = client.get(reverse("plans:detail", args=[relay.pk])).content.decode()
    assert "Emma blir forstått" in page and "Overføringsmøte" not in page
    assert client.get(reverse("plans:notes", args=[relay.pk])).status_code == 404
    assert client.get(reverse("plans:handover_propose", args=[relay.pk])).status_code == 403


@pytest.mark.parametrize(
    "who", ["case_handler", "administrator", "other_coordinator", "owner", "stranger"]
)
def test_the_baton_goes_only_to_staff_in_a_service_of_the_municipality(request, relay, tone, who):
    with pytest.raises(ValidationError):
        handover_propose(
            plan=relay, to_coordinator=request.getfixturevalue(who), message="", acting_user=tone
        )
    assert not CoordinatorHandover.objects.exists()


def test_an_individual_plan_is_still_handed_only_to_coordinators(plan, coordinator, professional):
    with pytest.raises(ValidationError):
        handover_propose(
            plan=plan, to_coordinator=professional, message="", acting_user=coordinator
        )


# --- Attackers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["ola", "case_handler", "administrator", "other_coordinator", "professional"]
)
def test_staff_without_a_grant_get_404_and_change_nothing(client, request, relay, who):
    client.force_login(request.getfixturevalue(who))
    before = (_contents(relay), PlanChange.objects.count(), CoordinatorHandover.objects.count())
    for name in ("detail", "continue_as_plan", "handover_propose", "notes", "history", "pdf"):
        url = reverse(f"plans:{name}", args=[relay.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"to_coordinator": 1, "coordinator": 1}).status_code == 404, name
    relay.refresh_from_db()
    assert relay.kind == Plan.Kind.RELAY_LOG
    after = (_contents(relay), PlanChange.objects.count(), CoordinatorHandover.objects.count())
    assert after == before


def test_a_professional_cannot_answer_a_baton_meant_for_someone_else(
    client, relay, tone, sara, ola
):
    handover = handover_propose(plan=relay, to_coordinator=sara, message="", acting_user=tone)
    client.force_login(ola)
    url = reverse("plans:handover_answer", args=[handover.pk])
    assert client.post(url, {"answer": "accept"}).status_code == 404
    relay.refresh_from_db()
    assert relay.coordinator == tone


# --- Continue as an individual plan ------------------------------------------------------------


@pytest.fixture
def granted(relay, child, guardian, case_handler, municipality, rule):
    """The coordinating unit grants Emma an individual plan (her father applied)."""
    case = apply(child, municipality, by=guardian)
    return decide(case, case_handler, rule)


def test_it_cannot_continue_before_the_right_is_granted(client, relay, tone, coordinator):
    client.force_login(tone)
    assert client.get(reverse("plans:continue_as_plan", args=[relay.pk])).status_code == 404
    assert (
        "Fortsett som individuell plan"
        not in client.get(reverse("plans:detail", args=[relay.pk])).content.decode()
    )
    with pytest.raises(ValidationError) as refused:
        relay_log_continue_as_plan(plan=relay, coordinator=coordinator, acting_user=tone)
    assert refused.value.messages == [str(IP_NOT_GRANTED)]


def test_it_continues_as_a_draft_plan_with_nothing_lost(
    client, relay, tone, sara, guardian, coordinator, granted
):
    _handed_to(relay, sara, tone)
    grants_decide(
        plan=relay,
        participant=Participant.objects.get(plan=relay, user=tone),
        levels={"goals": "read", "measures": "read"},
        ends_on=timezone.localdate() + datetime.timedelta(days=60),
        acting_user=guardian,
    )
    relay.refresh_from_db()
    before = _contents(relay)
    client.force_login(sara)
    detail = client.get(reverse("plans:detail", args=[relay.pk])).content.decode()
    assert reverse("plans:continue_as_plan", args=[relay.pk]) in detail
    response = client.post(
        reverse("plans:continue_as_plan", args=[relay.pk]), {"coordinator": coordinator.pk}
    )
    assert response["Location"] == reverse("plans:detail", args=[relay.pk])
    plan = Plan.objects.get(pk=relay.pk)
    assert (plan.kind, plan.status, plan.coordinator) == (
        Plan.Kind.INDIVIDUAL_PLAN,
        Plan.Status.DRAFT,
        coordinator,
    )
    assert _contents(plan) == before
    assert PlanChange.objects.filter(
        plan=plan,
        message="Stafettloggen fortsetter som individuell plan (utkast) med %(name)s som "
        "koordinator",
    ).exists()
    # The consent is kept, so the coordinator can take the plan into use once it has a period.
    plan.period_end = plan.period_start + datetime.timedelta(days=365)
    plan.save()
    plan_activate(plan=plan, acting_user=coordinator)
    # Sara no longer holds it and has no grant: she is out; Tone still reads what Lars granted.
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    client.force_login(tone)
    assert (
        "Emma blir forstått" in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    )


def test_the_continue_page_refuses_a_holder_who_is_not_a_coordinator_as_the_new_one(
    client, relay, tone, granted
):
    client.force_login(tone)
    response = client.post(
        reverse("plans:continue_as_plan", args=[relay.pk]), {"coordinator": tone.pk}
    )
    assert response.status_code == 400
    relay.refresh_from_db()
    assert relay.kind == Plan.Kind.RELAY_LOG


def test_the_continue_page_is_one_access_log_entry(client, relay, tone, granted):
    client.force_login(tone)
    last = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert client.get(reverse("plans:continue_as_plan", args=[relay.pk])).status_code == 200
    entries = list(AccessLogEntry.objects.filter(pk__gt=last))
    assert [(e.action, e.sections) for e in entries] == [("read", ["overview"])]


def test_appointing_the_coordinator_continues_the_open_relay_log(
    relay, case_handler, coordinator, granted, trained
):
    before = _contents(relay)
    decision = decision_appoint(
        decision=granted,
        coordinator=coordinator,
        override_reason="",
        create_plan=True,
        acting_user=case_handler,
    )
    assert decision.plan_id == relay.pk
    plan = Plan.objects.get(pk=relay.pk)
    assert (plan.kind, plan.status, plan.coordinator) == ("ip", "draft", coordinator)
    assert _contents(plan) == before
    assert Plan.objects.filter(owner=relay.owner).count() == 1


# --- Ending without an individual plan ---------------------------------------------------------


def test_a_relay_log_can_end_without_a_plan_and_is_archived(relay, tone, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    plan_close(plan=relay, reason=Plan.ClosingReason.NEED_ENDED, note="", acting_user=tone)
    relay.refresh_from_db()
    assert relay.status == Plan.Status.CLOSED and relay.kind == Plan.Kind.RELAY_LOG
    assert ArchiveRecord.objects.filter(plan=relay).exists()


# --- Query budgets -----------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_holders_page_costs_the_same_for_a_short_and_a_long_log(
    client, relay, tone, django_assert_max_num_queries
):
    from django.core.cache import cache

    from tests.plans.test_query_budget import COORDINATOR_PAGE_BUDGET, fill

    client.force_login(tone)
    url = reverse("plans:detail", args=[relay.pk])
    # Both sizes are large enough for the page's fragment cache (plans.fragments); each count
    # is a first view, rendered in full.
    fill(relay, tone, goals=5, measures=10, notes=10, participants=2)
    cache.clear()
    small = _count(client, url)
    fill(relay, tone, goals=30, measures=120, notes=500, participants=20)
    cache.clear()
    assert _count(client, url) == small
    # Served from the cache: the coordinator's budget and three more of the relay log's own
    # (whether the plan right is granted, whether it is consented to, and one more); an
    # individual plan's page comes whole from the cache, a relay log's is rendered with its
    # parts from the cache.
    with django_assert_max_num_queries(COORDINATOR_PAGE_BUDGET + 3):
        client.get(url)


def test_the_professionals_home_page_costs_the_same_for_one_log_and_for_ten(
    client, tone, municipality
):
    def make():
        kid = with_national_id(UserFactory(), datetime.date(2020, 1, 1))
        PlanFactory(municipality=municipality, owner=kid, coordinator=tone, kind="relay_log")

    make()
    client.force_login(tone)
    few = _count(client, reverse("home"))
    for _ in range(9):
        make()
    assert _count(client, reverse("home")) == few
    assert client.get(reverse("home")).content.decode().count("Stafettloggen til") == 10


def test_the_proposed_holder_is_told_by_e_mail_without_content(relay, tone, sara):
    from accounts.models import OutboxMessage

    handover = handover_propose(plan=relay, to_coordinator=sara, message="Jakob", acting_user=tone)
    message = OutboxMessage.objects.get(kind="handover_proposed")
    assert (message.recipient, message.address) == (sara, sara.email)
    assert message.link == reverse("plans:handover_answer", args=[handover.pk])


# --- The municipality's routine, set by its administrator --------------------------------------


def test_the_administrator_sets_the_routine_for_young_peoples_own_consent(
    client, administrator, municipality
):
    client.force_login(administrator)
    index = client.get(reverse("administration:index")).content.decode()
    url = reverse("administration:routines", args=[municipality.pk])
    assert url in index
    assert client.get(url).status_code == 200
    response = client.post(url, {"relay_log_own_consent": "on"})
    assert response["Location"] == reverse("administration:index")
    municipality.refresh_from_db()
    assert municipality.relay_log_own_consent is True
    client.post(url, {})
    municipality.refresh_from_db()
    assert municipality.relay_log_own_consent is False


@pytest.mark.parametrize("who", ["coordinator", "case_handler", "tone", "guardian"])
def test_no_one_else_sets_the_routine(client, request, who, municipality):
    client.force_login(request.getfixturevalue(who))
    url = reverse("administration:routines", args=[municipality.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"relay_log_own_consent": "on"}).status_code == 404
    municipality.refresh_from_db()
    assert municipality.relay_log_own_consent is False


def test_an_administrator_of_another_municipality_gets_404(
    client, municipality, other_municipality
):
    other_admin = staff(Role.ADMINISTRATOR, other_municipality, username="bakkeby-admin")
    client.force_login(other_admin)
    url = reverse("administration:routines", args=[municipality.pk])
    assert client.post(url, {"relay_log_own_consent": "on"}).status_code == 404
    municipality.refresh_from_db()
    assert municipality.relay_log_own_consent is False
