"""Issue 11 §4, the 18-year step for what follows from child-welfare law: where the child
welfare service took over care, it keeps its role as carer until the young person is 18 (it
sees the plan; from 16 the young person consents), the grants it gave end at 18, and two months
ahead the young person, the service and the coordinator are told once. From 18 the young person
decides whether the service keeps access (aftercare), with their own consent; nothing is
deleted, and the history and the access log show it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutboxMessage, Representation
from consent.coming_of_age import care_ends_on, coming_of_age_notices
from consent.models import AccessGrant, AccessLogEntry, Consent
from consent.policy import may_decide_for_owner, plan_access
from consent.services import grants_decide, plan_consent_give
from consent.services.grants import MAX_GRANT_DAYS
from plans.models import Participant, PlanChange
from plans.services.participants import participant_add
from tests.factories import PlanFactory, UserFactory, represent, staff

pytestmark = pytest.mark.django_db


def young_in_care(municipality, coordinator, *, eighteen_in_days, parent=True):
    """Sara, in the child welfare service's care (Berit is its caseworker), whose 18th
    birthday is `eighteen_in_days` from today; her father Lars is registered too."""
    today = timezone.localdate()
    turns = today + datetime.timedelta(days=eighteen_in_days)
    young = UserFactory(
        username=f"sara{eighteen_in_days}",
        first_name="Sara",
        birth_date=turns.replace(year=turns.year - 18),
        home_municipality=municipality,
    )
    caseworker = UserFactory(username=f"berit{eighteen_in_days}", first_name="Berit")
    represent(young, caseworker, kind=Representation.Kind.CHILD_WELFARE)
    father = None
    if parent:
        father = UserFactory(username=f"lars{eighteen_in_days}", first_name="Lars")
        represent(young, father)
    plan = PlanFactory(municipality=municipality, owner=young, coordinator=coordinator)
    return plan, young, caseworker, father


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    )


def detail(plan):
    return reverse("plans:detail", args=[plan.pk])


def aftercare(plan):
    return reverse("consent:aftercare", args=[plan.pk])


# --- Two months ahead: told once -------------------------------------------------------------


def test_two_months_before_18_the_young_person_the_service_and_the_coordinator_are_told_once(
    municipality, coordinator, django_capture_on_commit_callbacks
):
    plan, young, caseworker, father = young_in_care(municipality, coordinator, eighteen_in_days=40)
    young_in_care(municipality, coordinator, eighteen_in_days=90)  # too early to tell
    with django_capture_on_commit_callbacks(execute=True):
        coming_of_age_notices()
        coming_of_age_notices()  # the hourly run tells nobody twice
    told = OutboxMessage.objects.filter(kind="care_ends")
    assert set(told.values_list("recipient", flat=True)) == {
        young.pk,
        caseworker.pk,
        coordinator.pk,
    }
    assert told.count() == 3
    assert all(row.link == f"/planer/{plan.pk}/" for row in told)  # a link, no content
    assert father.pk not in set(told.values_list("recipient", flat=True))  # his role ended at 16


def test_a_young_person_not_in_care_gets_no_care_notice(municipality, coordinator):
    today = timezone.localdate()
    turns = today + datetime.timedelta(days=30)
    young = UserFactory(username="ola", birth_date=turns.replace(year=turns.year - 18))
    represent(young, UserFactory(username="mor"))
    PlanFactory(municipality=municipality, owner=young, coordinator=coordinator)
    coming_of_age_notices()
    assert not OutboxMessage.objects.filter(kind="care_ends").exists()


# --- Between 16 and 18: the service is still the carer --------------------------------------


def test_between_16_and_18_in_care_the_service_still_sees_the_plan_but_the_young_person_decides(
    client, municipality, coordinator
):
    plan, young, caseworker, father = young_in_care(municipality, coordinator, eighteen_in_days=200)
    access = plan_access(caseworker, plan)
    assert access.allowed and access.role == AccessLogEntry.ActorRole.REPRESENTATIVE
    assert not access.can_manage_access and not may_decide_for_owner(caseworker, plan)
    assert may_decide_for_owner(young, plan)
    client.force_login(caseworker)
    assert client.get(detail(plan)).status_code == 200
    assert client.get(reverse("plans:notes", args=[plan.pk])).status_code == 200
    client.force_login(father)  # a parent's role ends at 16: nothing
    assert client.get(detail(plan)).status_code == 404


def test_the_16_year_notice_tells_the_service_it_stays_the_carer_until_18(
    client, municipality, coordinator
):
    plan, young, caseworker, _father = young_in_care(
        municipality, coordinator, eighteen_in_days=365 * 2 + 21
    )
    with at(timezone.localdate()):
        client.force_login(caseworker)
        page = client.get(detail(plan)).content.decode()
    assert (
        "Sara fyller 16 år" in page
        and "Barnevernstjenesten har omsorgen til Sara fyller 18" in page
    )
    client.force_login(young)
    assert (
        "Barnevernstjenesten har omsorgen for deg til du fyller 18"
        in client.get(detail(plan)).content.decode()
    )


def test_the_plan_page_tells_each_what_happens_at_18(client, municipality, coordinator):
    plan, young, caseworker, _father = young_in_care(municipality, coordinator, eighteen_in_days=20)
    client.force_login(young)
    page = client.get(detail(plan)).content.decode()
    assert "Du fyller 18 år" in page and "barnevernsloven § 3-6" in page
    assert "Velg om barnevernstjenesten skal se planen etter 18 år" in page
    client.force_login(caseworker)
    page = client.get(detail(plan)).content.decode()
    assert "Da slutter omsorgen, og dere ser ikke planen lenger" in page
    assert "Velg om barnevernstjenesten" not in page
    client.force_login(coordinator)
    assert (
        "Etter det bestemmer Sara om barnevernstjenesten"
        in client.get(detail(plan)).content.decode()
    )


def test_the_measures_the_service_is_responsible_for_are_named_to_the_young_person(
    client, municipality, coordinator
):
    from plans.services.goals import goal_create
    from plans.services.measures import measure_create

    plan, young, caseworker, _father = young_in_care(municipality, coordinator, eighteen_in_days=20)
    service = participant_add(
        plan=plan, user=caseworker, name="Berit", role="service_provider", acting_user=coordinator
    )
    goal = goal_create(plan=plan, title="Bo for meg selv", acting_user=coordinator)
    measure_create(
        plan=plan,
        goal=goal,
        title="Hybel med oppfølging",
        responsible=service,
        acting_user=coordinator,
    )
    client.force_login(young)
    page = client.get(detail(plan)).content.decode()
    assert "fortsetter etter 18 år bare som ettervern" in page and "Hybel med oppfølging" in page


# --- At 18 --------------------------------------------------------------------------------


def test_at_18_the_service_without_the_young_persons_consent_gets_404(
    client, municipality, coordinator
):
    plan, young, caseworker, _father = young_in_care(municipality, coordinator, eighteen_in_days=10)
    eighteenth = care_ends_on(young.birth_date)
    with at(eighteenth - datetime.timedelta(days=1)):
        client.force_login(caseworker)
        assert client.get(detail(plan)).status_code == 200
    with at(eighteenth):
        client.force_login(caseworker)
        for url in (detail(plan), reverse("plans:notes", args=[plan.pk]), aftercare(plan)):
            assert client.get(url).status_code == 404, url
        assert client.post(aftercare(plan), {"section_goals": "read"}).status_code == 404
    assert not Participant.objects.filter(plan=plan, user=caseworker).exists()


def test_grants_the_service_gave_as_carer_end_at_18(municipality, coordinator):
    """Berit, for Emma under 16, lets a nurse see the goals: that ends at 18 at the latest."""
    today = timezone.localdate()
    sixteenth = today + datetime.timedelta(days=1)
    young = UserFactory(username="emma", birth_date=sixteenth.replace(year=sixteenth.year - 16))
    caseworker = UserFactory(username="berit")
    represent(young, caseworker, kind=Representation.Kind.CHILD_WELFARE)
    plan = PlanFactory(municipality=municipality, owner=young, coordinator=coordinator)
    plan_consent_give(plan=plan, acting_user=caseworker)
    nurse = staff("professional", municipality, username="nina")
    participant = participant_add(
        plan=plan, user=nurse, name="Nina", role="service_provider", acting_user=coordinator
    )
    asked = today + datetime.timedelta(days=MAX_GRANT_DAYS)
    (grant,) = grants_decide(
        plan=plan,
        participant=participant,
        levels={"goals": "read"},
        ends_on=asked,
        acting_user=caseworker,
    )
    eighteenth = care_ends_on(young.birth_date)
    assert eighteenth <= asked
    assert grant.ends_at == timezone.make_aware(
        datetime.datetime.combine(eighteenth, datetime.time.min)
    )
    assert (
        Consent.objects.get(participant=participant).given_by_role
        == Consent.GiverRole.CHILD_WELFARE
    )


def test_the_young_person_chooses_aftercare_access_and_consents_to_it(
    client, municipality, coordinator
):
    plan, young, caseworker, _father = young_in_care(municipality, coordinator, eighteen_in_days=10)
    eighteenth = care_ends_on(young.birth_date)
    ends_on = eighteenth + datetime.timedelta(days=300)
    with at(eighteenth + datetime.timedelta(days=2)):
        client.force_login(young)
        page = client.get(detail(plan)).content.decode()
        assert (
            "Du fylte 18 år" in page and "Barnevernstjenesten har ikke tilgang til planen." in page
        )
        form = client.get(aftercare(plan))
        assert (
            form.status_code == 200 and "Barnevernstjenesten etter 18 år" in form.content.decode()
        )
        assert "hadde omsorgen for deg til du fylte 18 år" in form.content.decode()
        response = client.post(
            aftercare(plan), {"section_goals": "read", "ends_on": ends_on.strftime("%d.%m.%Y")}
        )
        assert response.status_code == 302
        participant = Participant.objects.get(plan=plan, user=caseworker, is_active=True)
        grant = AccessGrant.objects.get(participant=participant)
        assert (grant.section, grant.can_write, grant.status) == ("goals", False, "active")
        consent = Consent.objects.get(participant=participant, withdrawn_at__isnull=True)
        assert (consent.given_by, consent.given_by_role) == (young, Consent.GiverRole.OWNER)
        assert (
            "Barnevernstjenesten har tilgang til: Mål." in client.get(detail(plan)).content.decode()
        )
        # The service now reads what she granted, and nothing else.
        client.force_login(caseworker)
        assert client.get(detail(plan)).status_code == 200
        assert client.get(reverse("plans:notes", args=[plan.pk])).status_code == 404
    assert PlanChange.objects.filter(
        plan=plan, actor=young, message__startswith="Tilgang for"
    ).exists()
    assert AccessLogEntry.objects.filter(plan=plan, actor=young, action="update").exists()


def test_declining_aftercare_is_in_the_history_and_deletes_nothing(
    client, municipality, coordinator
):
    plan, young, caseworker, _father = young_in_care(municipality, coordinator, eighteen_in_days=5)
    eighteenth = care_ends_on(young.birth_date)
    representations = Representation.objects.filter(person=young).count()
    with at(eighteenth + datetime.timedelta(days=1)):
        client.force_login(young)
        ends_on = (eighteenth + datetime.timedelta(days=30)).strftime("%d.%m.%Y")
        assert client.post(aftercare(plan), {"ends_on": ends_on}).status_code == 302
        client.force_login(caseworker)
        assert client.get(detail(plan)).status_code == 404
    assert not Participant.objects.filter(plan=plan, user=caseworker).exists()
    assert Representation.objects.filter(person=young).count() == representations
    change = PlanChange.objects.get(plan=plan, message__startswith="Etter 18 år")
    assert change.actor == young and "Berit" in change.text


@pytest.mark.parametrize("who", ["caseworker", "coordinator", "case_handler", "administrator"])
def test_nobody_but_the_young_person_makes_the_choice(
    client, request, municipality, coordinator, who
):
    plan, _young, caseworker, _ = young_in_care(municipality, coordinator, eighteen_in_days=30)
    people = {"caseworker": caseworker, "coordinator": coordinator}
    user = people.get(who) or request.getfixturevalue(who)
    client.force_login(user)
    ends_on = (timezone.localdate() + datetime.timedelta(days=60)).strftime("%d.%m.%Y")
    response = client.post(aftercare(plan), {"section_goals": "write", "ends_on": ends_on})
    # Those who may open the plan are refused (403); everyone else learns nothing (404).
    assert response.status_code == (403 if who in people else 404)
    assert not Participant.objects.filter(plan=plan, user=caseworker).exists()
    assert not AccessGrant.objects.filter(plan=plan).exists()


def test_staff_of_another_municipality_get_404(
    client, other_municipality, municipality, coordinator
):
    plan, *_ = young_in_care(municipality, coordinator, eighteen_in_days=30)
    elsewhere = staff("coordinator", other_municipality, username="annen")
    client.force_login(elsewhere)
    assert client.get(detail(plan)).status_code == 404
    assert client.get(aftercare(plan)).status_code == 404


def test_a_young_person_never_in_care_has_no_choice_to_make(client, plan, owner):
    client.force_login(owner)
    assert client.get(aftercare(plan)).status_code == 403
    assert "Velg om barnevernstjenesten" not in client.get(detail(plan)).content.decode()


def test_bad_input_changes_nothing_and_says_why(client, municipality, coordinator):
    plan, young, caseworker, _father = young_in_care(municipality, coordinator, eighteen_in_days=30)
    client.force_login(young)
    response = client.post(aftercare(plan), {"section_goals": "read", "ends_on": "31.02.2020"})
    assert response.status_code == 400
    assert not Participant.objects.filter(plan=plan, user=caseworker).exists()


def test_the_care_notice_costs_the_same_queries_for_few_and_many_measures(
    client, municipality, coordinator
):
    from django.core.cache import cache

    from plans.models import Goal, Measure
    from tests.plans.test_query_budget import count_queries

    counts = []
    for days, measures in ((20, 12), (21, 40)):
        plan, young, caseworker, _ = young_in_care(
            municipality, coordinator, eighteen_in_days=days, parent=False
        )
        service = Participant.objects.create(
            plan=plan, user=caseworker, name="Berit", role="service_provider"
        )
        goal = Goal.objects.create(plan=plan, title="Mål", created_by=coordinator)
        Measure.objects.bulk_create(
            [
                Measure(
                    plan=plan,
                    goal=goal,
                    title=f"Tiltak {i}",
                    responsible=service,
                    status="ongoing",
                    created_by=coordinator,
                )
                for i in range(measures)
            ]
        )
        client.force_login(young)
        cache.clear()
        counts.append(count_queries(client, detail(plan)))
        assert f"Tiltak {measures - 1}" in client.get(detail(plan)).content.decode()
    assert counts[0] == counts[1]
