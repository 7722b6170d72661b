"""A coordinator without an individual plan (the coordinator right is wider than the plan right):
the decision creates a coordination record, which is not dressed up as a plan, and which
becomes the individual plan (the same record, nothing lost) after a decision granting one or
the person's consent."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework.services.cases import decision_appoint
from consent.models import AccessLogEntry, Consent
from consent.services import grants_decide, plan_consent_give
from coordination.services.meetings import meeting_create
from coordination.services.messages import thread_start
from plans.kinds import COORDINATION_CONSENT_TEXT, PLAN_CONSENT_TEXT
from plans.models import Participant, Plan, PlanChange, ProgressNote
from plans.services.conversion import NO_GROUNDS_FOR_A_PLAN, plan_convert_to_ip
from plans.services.lifecycle import plan_activate
from plans.services.notes import note_create
from plans.services.participants import cooperation_create, participant_add
from tests.casework.conftest import apply, decide
from tests.factories import staff

pytestmark = pytest.mark.django_db
IN_A_MONTH = timezone.localdate() + datetime.timedelta(days=30)


def appoint(decision, coordinator, handler):
    return decision_appoint(
        decision=decision,
        coordinator=coordinator,
        override_reason="",
        create_plan=True,
        acting_user=handler,
    )


@pytest.fixture
def record(owner, municipality, case_handler, rule, trained):
    """Ingrid asked only for a coordinator; the unit granted one and appointed Kari."""
    case = apply(owner, municipality, plan=False)
    decision = appoint(decide(case, case_handler, rule), trained.user, case_handler)
    return decision.plan


@pytest.fixture
def nav(record, coordinator, owner, municipality):
    """Nils at NAV takes part, with the meetings and participants sections granted."""
    user = staff("professional", municipality, username="nils", first_name="Nils")
    participant = participant_add(
        plan=record, user=user, name="Nils NAV", role="service_provider", acting_user=coordinator
    )
    grants_decide(
        plan=record,
        participant=participant,
        levels={"meetings": "read", "participants": "read", "goals": "read"},
        ends_on=IN_A_MONTH,
        acting_user=owner,
    )
    return user


def fill(record, coordinator, owner):
    """What a coordinator's record holds: services, cooperation, a note, a meeting, a thread."""
    participant_add(
        plan=record, name="Fastlege Berg", role="service_provider", acting_user=coordinator
    )
    cooperation_create(
        plan=record, with_whom="Skolen", description="Tilrettelegging", acting_user=coordinator
    )
    note_create(
        plan=record, text="Snakket med NAV", noted_on=timezone.localdate(), acting_user=coordinator
    )
    meeting_create(
        plan=record,
        title="Samarbeidsmøte",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        duration_minutes=60,
        place="Rådhuset",
        video_link="",
        agenda=["Status"],
        invitee_ids=[owner.pk],
        acting_user=coordinator,
    )
    thread_start(plan=record, subject="Hei", body="Velkommen", acting_user=coordinator)


def contents(record):
    return {
        "participants": sorted(
            Participant.objects.filter(plan=record).values_list("pk", flat=True)
        ),
        "notes": sorted(ProgressNote.objects.filter(plan=record).values_list("pk", flat=True)),
        "meetings": sorted(record.meetings.values_list("pk", flat=True)),
        "threads": sorted(record.threads.values_list("pk", flat=True)),
        "history": PlanChange.objects.filter(plan=record).count(),
        "log": AccessLogEntry.objects.filter(plan=record).count(),
    }


def test_a_coordinator_only_decision_creates_a_coordination_record(record, coordinator):
    assert record.kind == Plan.Kind.COORDINATION
    assert record.coordinator == coordinator
    assert not record.kind_info.is_individual_plan
    change = PlanChange.objects.get(plan=record)
    assert change.message == "Koordinering uten individuell plan ble opprettet"


def test_a_decision_granting_a_plan_still_creates_an_individual_plan(
    owner, municipality, case_handler, rule, trained
):
    decision = appoint(
        decide(apply(owner, municipality), case_handler, rule), trained.user, case_handler
    )
    assert decision.plan.kind == Plan.Kind.INDIVIDUAL_PLAN


def test_it_starts_without_a_plan_period_and_with_the_coordination_consent(record, owner):
    consent = plan_consent_give(plan=record, acting_user=owner)
    assert consent.covers == str(COORDINATION_CONSENT_TEXT)
    plan_activate(plan=record, acting_user=record.coordinator)
    record.refresh_from_db()
    assert record.status == Plan.Status.ACTIVE
    assert record.period_start is None


def test_goals_and_measures_are_no_part_of_it_for_anyone(client, record, coordinator, nav):
    for user in (coordinator, nav):
        client.force_login(user)
        assert client.get(reverse("plans:goal_create", args=[record.pk])).status_code == 404
        assert client.get(reverse("plans:measure_create", args=[record.pk])).status_code == 404
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[record.pk])).content.decode()
    assert 'id="goals"' not in page
    assert "Planhelse" not in page
    assert "Endre periode og evaluering" not in page
    entry = AccessLogEntry.objects.filter(plan=record, actor=coordinator).first()
    assert "goals" not in entry.sections and "measures" not in entry.sections


def test_the_person_sees_their_coordinator_on_the_home_page(client, record, owner):
    client.force_login(owner)
    home = client.get(reverse("home")).content.decode()
    assert "Din koordinator" in home
    assert "Din individuelle plan" not in home
    page = client.get(reverse("plans:detail", args=[record.pk])).content.decode()
    assert "<title>Din koordinator" in page


def test_the_coordinator_sees_it_named_in_their_list(client, record, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("plans:coordinator_list")).content.decode()
    assert "Koordinator uten individuell plan" in page
    assert "av 9 mangler" not in page


def test_it_is_not_turned_into_a_plan_without_grounds(client, record, coordinator):
    with pytest.raises(ValidationError) as refused:
        plan_convert_to_ip(plan=record, acting_user=coordinator)
    assert refused.value.messages == [str(NO_GROUNDS_FOR_A_PLAN)]
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[record.pk])).content.decode()
    assert "Gjør om til individuell plan" not in page
    client.post(reverse("plans:convert_to_ip", args=[record.pk]))
    record.refresh_from_db()
    assert record.kind == Plan.Kind.COORDINATION


def test_a_later_decision_granting_a_plan_turns_the_same_record_into_it(
    record, owner, coordinator, municipality, case_handler, rule, trained, nav
):
    fill(record, coordinator, owner)
    before = contents(record)
    decision = appoint(
        decide(apply(owner, municipality), case_handler, rule), trained.user, case_handler
    )
    assert decision.plan_id == record.pk
    assert Plan.objects.filter(owner=owner).count() == 1
    record.refresh_from_db()
    assert record.kind == Plan.Kind.INDIVIDUAL_PLAN
    after = contents(record)
    assert after["participants"] == before["participants"]
    assert after["notes"] == before["notes"]
    assert after["meetings"] == before["meetings"]
    assert after["threads"] == before["threads"]
    assert after["history"] == before["history"] + 1
    change = PlanChange.objects.filter(plan=record).order_by("-pk").first()
    assert change.summary.startswith("Gjort om til individuell plan etter vedtak: sak ")


def test_the_coordinator_converts_it_once_a_plan_is_granted(
    client, record, owner, coordinator, municipality, case_handler, rule, nav
):
    # A decision granting the plan, without the unit appointing anew.
    decide(apply(owner, municipality), case_handler, rule)
    fill(record, coordinator, owner)
    before = contents(record)
    client.force_login(coordinator)
    page = client.get(reverse("plans:detail", args=[record.pk])).content.decode()
    assert "Gjør om til individuell plan" in page
    response = client.post(reverse("plans:convert_to_ip", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.kind == Plan.Kind.INDIVIDUAL_PLAN
    assert contents(record)["participants"] == before["participants"]
    # NAV's grant on goals, meaningless before, now applies: the grants were kept.
    client.force_login(nav)
    assert client.get(reverse("plans:goal_create", args=[record.pk])).status_code == 403


@pytest.mark.parametrize("who", ["owner", "nav", "case_handler", "other_coordinator"])
def test_nobody_but_the_coordinator_converts_it(
    client, request, record, owner, municipality, case_handler, rule, nav, who
):
    decide(apply(owner, municipality), case_handler, rule)
    user = nav if who == "nav" else request.getfixturevalue(who)
    client.force_login(user)
    response = client.post(reverse("plans:convert_to_ip", args=[record.pk]))
    assert response.status_code in (403, 404)
    if who in ("case_handler", "other_coordinator"):
        assert response.status_code == 404
    record.refresh_from_db()
    assert record.kind == Plan.Kind.COORDINATION


def test_the_persons_consent_turns_it_into_a_plan(client, record, owner, coordinator):
    plan_consent_give(plan=record, acting_user=owner)
    fill(record, coordinator, owner)
    before = contents(record)
    client.force_login(owner)
    overview = client.get(reverse("consent:overview", args=[record.pk])).content.decode()
    assert "Jeg samtykker til individuell plan" in overview
    response = client.post(reverse("consent:to_ip", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.kind == Plan.Kind.INDIVIDUAL_PLAN
    consent = Consent.objects.get(plan=record, withdrawn_at__isnull=True)
    assert consent.covers == str(PLAN_CONSENT_TEXT)
    earlier = Consent.objects.get(plan=record, withdrawn_at__isnull=False)
    assert earlier.replaced_by == consent
    assert contents(record)["notes"] == before["notes"]
    messages = list(PlanChange.objects.filter(plan=record).values_list("message", flat=True))
    assert "Gjort om til individuell plan etter samtykke fra %(grounds)s" in messages


@pytest.mark.parametrize("who", ["coordinator", "nav", "case_handler"])
def test_staff_cannot_consent_to_a_plan_for_the_person(client, request, record, nav, who):
    client.force_login(nav if who == "nav" else request.getfixturevalue(who))
    response = client.post(reverse("consent:to_ip", args=[record.pk]))
    assert response.status_code in (403, 404)
    record.refresh_from_db()
    assert record.kind == Plan.Kind.COORDINATION
    assert not Consent.objects.filter(plan=record, kind=Consent.Kind.PLAN).exists()


def test_one_parent_alone_cannot_consent_to_a_plan_for_a_child(
    client, child, guardian, municipality, coordinator
):
    from plans.services.lifecycle import plan_create
    from tests.factories import UserFactory, represent

    represent(child, UserFactory(username="mona", first_name="Mona"))
    record = plan_create(
        owner=child,
        coordinator=coordinator,
        municipality=municipality,
        kind=Plan.Kind.COORDINATION,
        acting_user=coordinator,
    )
    client.force_login(guardian)
    response = client.post(reverse("consent:to_ip", args=[record.pk]), follow=True)
    assert "Begge foreldrene med foreldreansvar" in response.content.decode()
    record.refresh_from_db()
    assert record.kind == Plan.Kind.COORDINATION


def test_the_pdf_is_named_for_what_it_is(client, record, coordinator):
    client.force_login(coordinator)
    url = reverse("plans:pdf", args=[record.pk])
    client.get(url)  # the worker (in process in tests) makes it
    response = client.get(url)
    assert response.status_code == 200
    assert "koordinering-" in response["Content-Disposition"]
    text = pdf_text(b"".join(response.streaming_content))
    assert "Koordinering uten individuell plan" in text
    assert "Individuell plan" not in text


def pdf_text(data):
    from tests.casework.conftest import pdf_text as read

    return read(data)


def test_the_page_costs_the_same_for_a_small_and_a_large_record(
    client, record, coordinator, owner, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("plans:detail", args=[record.pk])
    counts = []
    # Both sizes are large enough for the page's fragment cache (plans.fragments); each count
    # is a first view, rendered in full.
    for size in (12, 30):
        Participant.objects.bulk_create(
            [
                Participant(plan=record, name=f"Tjeneste {i}", role="service_provider")
                for i in range(size)
            ]
        )
        ProgressNote.objects.bulk_create(
            [
                ProgressNote(
                    plan=record, author=coordinator, noted_on=timezone.localdate(), text=f"N {i}"
                )
                for i in range(size)
            ]
        )
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(24):
        client.get(url)


def test_access_is_offered_only_for_the_sections_it_has(client, record, owner, nav):
    participant = Participant.objects.get(plan=record, user=nav)
    client.force_login(owner)
    url = reverse("consent:access_edit", args=[record.pk, participant.pk])
    page = client.get(url).content.decode()
    assert 'name="section_meetings"' in page
    assert 'name="section_goals"' not in page and 'name="section_measures"' not in page


def test_a_note_on_it_is_about_the_follow_up(client, record, coordinator):
    client.force_login(coordinator)
    url = reverse("plans:note_create", args=[record.pk])
    assert 'name="subject"' not in client.get(url).content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(url, {"noted_on": today, "text": "Ringte skolen."})
    assert response.status_code == 302
    note = ProgressNote.objects.get(plan=record)
    assert note.goal_id is None and note.measure_id is None
    page = client.get(reverse("plans:notes", args=[record.pk])).content.decode()
    assert "Ringte skolen." in page and "Om et tiltak" not in page
