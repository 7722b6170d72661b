"""The owner's side grants, limits and revokes access; the coordinator proposes; expiry and
revocation take effect on the very next request, in an open session."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from consent.models import AccessGrant, Consent, PlanSectionUserObjectPermission
from consent.policy import plan_access
from consent.selectors import grants_expiring_within
from consent.services import (
    PARTICIPANT_HAS_NO_LOGIN,
    delete_expired_permissions,
    grants_confirm,
    grants_decide,
    grants_extend,
    grants_propose,
    grants_revoke,
)
from plans.services.participants import participant_add, participant_remove
from tests.consent.conftest import IN_A_MONTH


def test_a_grant_gives_exactly_the_sections_granted(access_plan):
    nurse = plan_access(access_plan.people["nurse"], access_plan)
    assert nurse.read == {"measures"} and nurse.write == {"measures"}
    teacher = plan_access(access_plan.people["teacher"], access_plan)
    assert teacher.read == {"goals"} and teacher.write == frozenset()


def test_guardians_rows_carry_the_grant_and_view_and_change_permissions(access_plan):
    rows = PlanSectionUserObjectPermission.objects.filter(user=access_plan.people["nurse"])
    assert sorted(rows.values_list("permission__codename", flat=True)) == [
        "change_plansection",
        "view_plansection",
    ]
    assert {r.grant.section for r in rows} == {"measures"}
    assert {r.content_object.plan_id for r in rows} == {access_plan.pk}


def test_granting_records_the_consent_to_share_with_that_participant(access_plan, guardian):
    consent = Consent.objects.get(
        participant=access_plan.people["nurse_participant"], withdrawn_at__isnull=True
    )
    assert consent.kind == "sharing" and consent.given_by == guardian
    assert consent.given_by_role == "parent" and "Tiltak" in consent.covers


def test_expiry_takes_effect_at_the_second_it_passes_in_an_open_session(client, access_plan):
    grant = AccessGrant.objects.get(participant=access_plan.people["nurse_participant"])
    url = reverse("plans:detail", args=[access_plan.pk])
    with time_machine.travel(grant.ends_at - datetime.timedelta(seconds=1), tick=False) as t:
        client.force_login(access_plan.people["nurse"])
        assert client.get(url).status_code == 200
        t.move_to(grant.ends_at)
        assert client.get(url).status_code == 404  # same session, no job has run
    assert PlanSectionUserObjectPermission.objects.filter(grant=grant).exists()


def test_revocation_is_immediate_for_a_user_who_has_the_plan_open(client, access_plan, guardian):
    client.force_login(access_plan.people["nurse"])
    url = reverse("plans:measure_create", args=[access_plan.pk])
    assert client.get(url).status_code == 200
    grants_revoke(
        plan=access_plan, participant=access_plan.people["nurse_participant"], acting_user=guardian
    )
    assert client.get(url).status_code == 404
    assert not PlanSectionUserObjectPermission.objects.filter(
        user=access_plan.people["nurse"]
    ).exists()


def test_the_cleanup_job_removes_rows_of_ended_grants_only(access_plan):
    ended = AccessGrant.objects.get(participant=access_plan.people["expired_participant"])
    assert PlanSectionUserObjectPermission.objects.filter(grant=ended).exists()
    delete_expired_permissions()
    assert not PlanSectionUserObjectPermission.objects.filter(grant=ended).exists()
    assert PlanSectionUserObjectPermission.objects.filter(user=access_plan.people["nurse"]).exists()


def test_a_proposal_takes_effect_only_when_the_owner_side_confirms(
    access_plan, coordinator, guardian
):
    teacher = access_plan.people["teacher_participant"]
    grants_propose(
        plan=access_plan,
        participant=teacher,
        levels={"notes": "read"},
        ends_on=IN_A_MONTH,
        acting_user=coordinator,
    )
    assert plan_access(access_plan.people["teacher"], access_plan).read == {"goals"}
    grants_confirm(plan=access_plan, participant=teacher, accept=True, acting_user=guardian)
    assert plan_access(access_plan.people["teacher"], access_plan).read == {"goals", "notes"}


def test_a_declined_proposal_gives_nothing(access_plan, coordinator, guardian):
    teacher = access_plan.people["teacher_participant"]
    grants_propose(
        plan=access_plan,
        participant=teacher,
        levels={"notes": "write"},
        ends_on=IN_A_MONTH,
        acting_user=coordinator,
    )
    grants_confirm(plan=access_plan, participant=teacher, accept=False, acting_user=guardian)
    assert plan_access(access_plan.people["teacher"], access_plan).read == {"goals"}
    assert AccessGrant.objects.filter(participant=teacher, status="declined").count() == 1


def test_a_proposal_cannot_change_what_the_owner_already_decided(access_plan, coordinator):
    nurse = access_plan.people["nurse_participant"]
    grants_propose(
        plan=access_plan,
        participant=nurse,
        levels={"measures": None},
        ends_on=IN_A_MONTH,
        acting_user=coordinator,
    )
    assert plan_access(access_plan.people["nurse"], access_plan).write == {"measures"}


def test_only_the_decider_grants_and_the_coordinator_only_with_a_paper_consent(
    access_plan, coordinator, child
):
    teacher = access_plan.people["teacher_participant"]
    for actor in (coordinator, child, access_plan.people["nurse"]):
        with pytest.raises(PermissionDenied):
            grants_decide(
                plan=access_plan,
                participant=teacher,
                levels={"about_me": "read"},
                ends_on=IN_A_MONTH,
                acting_user=actor,
            )
    assert plan_access(access_plan.people["teacher"], access_plan).read == {"goals"}


def test_a_participant_without_a_login_cannot_be_granted(access_plan, coordinator, guardian):
    grandmother = participant_add(
        plan=access_plan, name="Bestemor", role="relative", acting_user=coordinator
    )
    with pytest.raises(ValidationError) as error:
        grants_decide(
            plan=access_plan,
            participant=grandmother,
            levels={"goals": "read"},
            ends_on=IN_A_MONTH,
            acting_user=guardian,
        )
    assert error.value.messages == [str(PARTICIPANT_HAS_NO_LOGIN)]


def test_an_end_date_in_the_past_is_refused(access_plan, guardian):
    with pytest.raises(ValidationError):
        grants_decide(
            plan=access_plan,
            participant=access_plan.people["teacher_participant"],
            levels={"goals": "read"},
            acting_user=guardian,
            ends_on=timezone.localdate() - datetime.timedelta(days=1),
        )


def test_extending_moves_the_end_and_expiring_grants_are_listed(access_plan, guardian):
    nurse = access_plan.people["nurse_participant"]
    soon = grants_expiring_within(days=31)
    assert nurse.pk in {g.participant_id for g in soon}
    assert access_plan.people["expired_participant"].pk not in {g.participant_id for g in soon}
    grants_extend(
        plan=access_plan,
        participant=nurse,
        acting_user=guardian,
        ends_on=timezone.localdate() + datetime.timedelta(days=200),
    )
    assert nurse.pk not in {g.participant_id for g in grants_expiring_within(days=31)}


def test_a_participant_who_leaves_loses_access(access_plan, coordinator):
    participant_remove(
        participant=access_plan.people["teacher_participant"], acting_user=coordinator
    )
    assert not plan_access(access_plan.people["teacher"], access_plan).allowed


def test_the_owner_page_shows_access_in_plain_words_and_expiring_soon(
    client, access_plan, guardian
):
    client.force_login(guardian)
    page = client.get(reverse("consent:access", args=[access_plan.pk])).content.decode()
    assert "Nina Sykepleier" in page and "Tiltak (og skrive)" in page
    assert "utløper snart" not in page  # 30 days left is outside the 14-day window
    AccessGrant.objects.filter(participant=access_plan.people["nurse_participant"]).update(
        ends_at=timezone.now() + datetime.timedelta(days=3)
    )
    page = client.get(reverse("consent:access", args=[access_plan.pk])).content.decode()
    assert "utløper snart" in page


def test_granting_through_the_page(client, access_plan, guardian):
    client.force_login(guardian)
    teacher = access_plan.people["teacher_participant"]
    response = client.post(
        reverse("consent:access_edit", args=[access_plan.pk, teacher.pk]),
        {"section_goals": "read", "section_notes": "write", "ends_on": IN_A_MONTH.isoformat()},
    )
    assert response.status_code == 302
    access = plan_access(access_plan.people["teacher"], access_plan)
    assert (access.read, access.write) == ({"goals", "notes"}, {"notes"})


def test_revoking_all_access_asks_first_and_says_what_happens(client, access_plan, guardian):
    client.force_login(guardian)
    nurse = access_plan.people["nurse_participant"]
    url = reverse("consent:access_revoke", args=[access_plan.pk, nurse.pk])
    page = client.get(url).content.decode()
    assert "kan ikke lenger se" in page and "Tiltak (og skrive)" in page
    assert "med en gang" in page and 'name="proposal"' not in page  # nothing proposed
    assert plan_access(access_plan.people["nurse"], access_plan).allowed  # GET changes nothing
    assert client.post(url).status_code == 302
    assert not plan_access(access_plan.people["nurse"], access_plan).allowed


def _propose_for_teacher(access_plan, coordinator):
    teacher = access_plan.people["teacher_participant"]
    grants_propose(
        plan=access_plan,
        participant=teacher,
        levels={"notes": "read"},
        ends_on=IN_A_MONTH,
        acting_user=coordinator,
    )
    return teacher


def _statuses(participant):
    return dict(
        AccessGrant.objects.filter(participant=participant).values_list("section", "status")
    )


def test_revoking_shows_the_pending_proposal_and_needs_a_choice(
    client, access_plan, guardian, coordinator
):
    teacher = _propose_for_teacher(access_plan, coordinator)
    client.force_login(guardian)
    url = reverse("consent:access_revoke", args=[access_plan.pk, teacher.pk])
    page = client.get(url).content.decode()
    assert "Koordinatoren har foreslått" in page and "Utviklingsnotater" in page
    assert 'value="keep"' in page and 'value="decline"' in page
    for data in ({}, {"proposal": "maybe"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Velg om forslaget skal beholdes eller avslås." in response.content.decode()
    assert _statuses(teacher) == {"goals": "active", "notes": "proposed"}


@pytest.mark.parametrize(
    ("choice", "proposal_after"), [("keep", "proposed"), ("decline", "declined")]
)
def test_revoking_keeps_or_declines_the_proposal_as_chosen(
    client, access_plan, guardian, coordinator, choice, proposal_after
):
    teacher = _propose_for_teacher(access_plan, coordinator)
    client.force_login(guardian)
    url = reverse("consent:access_revoke", args=[access_plan.pk, teacher.pk])
    assert client.post(url, {"proposal": choice}).status_code == 302
    assert _statuses(teacher) == {"goals": "revoked", "notes": proposal_after}
    assert not plan_access(access_plan.people["teacher"], access_plan).allowed
