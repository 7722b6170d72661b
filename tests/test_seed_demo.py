"""The demo: one login per role, realistic plans, idempotent; TOTP codes only in the demo."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.management.commands.demo_totp import current_code
from accounts.models import Municipality, StaffMembership, User
from plans.models import Goal, Plan

pytestmark = pytest.mark.django_db


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_two_municipalities_and_a_login_per_role():
    output = seed()
    assert Municipality.objects.count() == 2
    for username in (
        "innbygger",
        "foresatt",
        "koordinator",
        "nav",
        "laerer",
        "saksbehandler",
        "admin",
        "koordinator.bakkeby",
    ):
        assert username in output
        assert User.objects.get(username=username).check_password("demo-ipplan-2026")
    roles = set(StaffMembership.objects.values_list("role", flat=True))
    assert roles == {"coordinator", "case_handler", "administrator", "professional"}
    assert (
        User.objects.get(username="koordinator.bakkeby").memberships.get().municipality.slug
        == "bakkeby"
    )


def test_it_creates_realistic_plans_for_the_adult_and_the_child():
    seed()
    adult = Plan.objects.get(owner__username="innbygger")
    child = Plan.objects.get(owner__username="emma")
    assert adult.status == child.status == Plan.Status.ACTIVE
    assert adult.goals.count() >= 3 and adult.measures.count() >= 6
    assert set(adult.measures.values_list("organisation__kind", flat=True)) >= {
        "home_care",
        "nav",
        "physiotherapy",
        "gp",
    }
    assert set(child.measures.values_list("organisation__kind", flat=True)) >= {
        "school",
        "ppt",
        "specialist",
    }
    assert Goal.objects.filter(plan=adult, parent__isnull=False).exists()


def test_running_it_twice_changes_nothing():
    seed()
    counts = (User.objects.count(), Plan.objects.count(), Goal.objects.count())
    seed()
    assert (User.objects.count(), Plan.objects.count(), Goal.objects.count()) == counts


def test_demo_staff_have_totp_and_the_code_can_be_printed(settings):
    seed()
    settings.EMBEDDED_MODE = True
    out = io.StringIO()
    call_command("demo_totp", "koordinator", stdout=out)
    assert out.getvalue().strip() == current_code("koordinator")
    assert len(out.getvalue().strip()) == 6


def test_demo_totp_refuses_outside_the_embedded_demo(settings):
    seed()
    settings.EMBEDDED_MODE = False
    with pytest.raises(CommandError, match="embedded demo"):
        call_command("demo_totp", "koordinator")


def test_seed_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("seed_demo")


def test_the_demo_representation_records_its_basis_and_admin_stays_out_of_django_admin(client):
    from django.urls import reverse

    from accounts.models import Representation
    from accounts.roles import represented_people_ids

    seed()
    seed()  # idempotent with the new fields too
    rows = Representation.objects.filter(representative__username="foresatt")
    # Lars is the father of Emma (her plan) and Jakob (his relay log).
    assert {row.person.username for row in rows} == {"emma", "jakob"}
    # Nora, expecting a child, stated herself as its parent (no population register yet).
    expecting = Representation.objects.get(representative__username="venter")
    assert expecting.basis_kind == Representation.BasisKind.EXPECTED_CHILD
    father = User.objects.get(username="foresatt")
    for row in rows:
        assert row.basis_kind == Representation.BasisKind.POPULATION_REGISTER
        assert row.created_by.username == "saksbehandler" and row.other_parent_name
        assert row.person_id in represented_people_ids(father)
    mina = Representation.objects.get(person__username="mina")  # and Mina's mother, alike
    assert mina.representative.username == "foresatt.mina"
    client.force_login(User.objects.get(username="admin"))
    assert client.get(reverse("admin:index"), follow=True).status_code == 403
    assert client.get(reverse("administration:index")).status_code == 200


def test_the_demo_decisions_use_the_rights_acts_rules_and_emmas_right_lasts():
    from casework.models import Decision

    seed()
    emma = Decision.objects.get(case__person__username="emma")
    assert emma.child_coordinator_outcome == "granted"
    assert "ett år" not in emma.considerations
    assert "så lenge vilkårene er oppfylt" in emma.considerations
    for decision in Decision.objects.all():
        assert decision.complaint_rule.for_health_rights
        assert "partly" not in (decision.coordinator_outcome, decision.child_coordinator_outcome)
    cited = set(emma.letter.legal_references.values_list("code", flat=True))
    assert {"right_to_child_coordinator", "duty_child_coordinator", "complaint_deadline"} <= cited


def test_the_demo_has_a_meeting_that_just_took_place_with_minutes_to_write():
    from coordination.models import Meeting

    seed()
    held = [m for m in Meeting.objects.filter(plan__owner__username="innbygger") if m.has_started]
    just_held = [m for m in held if not hasattr(m, "minutes") and m.minutes_open]
    assert just_held, "no meeting that has just taken place"
    (meeting,) = just_held
    assert meeting.ends_at <= timezone.now() + datetime.timedelta(minutes=1)
    assert timezone.now() - meeting.ends_at < datetime.timedelta(hours=2)


def test_the_demo_has_a_relay_log_handed_from_kindergarten_to_school():
    from consent.models import AccessGrant
    from plans.models import CoordinatorHandover

    seed()
    relay = Plan.objects.get(owner__username="jakob")
    assert relay.kind == Plan.Kind.RELAY_LOG and relay.status == Plan.Status.ACTIVE
    assert relay.coordinator.username == "laerer"
    handover = CoordinatorHandover.objects.get(plan=relay)
    assert handover.from_coordinator.username == "barnehage"
    assert handover.status == CoordinatorHandover.Status.ACCEPTED
    assert relay.needs and relay.what_matters
    assert relay.goals.count() == 2 and relay.notes.count() == 3
    assert relay.measures.filter(responsible__isnull=False, start_date__isnull=False).count() >= 3
    # The kindergarten teacher keeps read access only because the father granted it.
    grants = AccessGrant.objects.filter(plan=relay, participant__user__username="barnehage")
    assert set(grants.values_list("section", flat=True)) == {"goals", "measures"}


def test_the_demo_has_a_goal_mina_asked_to_keep_from_her_mother():
    from plans.withheld import is_withheld

    seed()
    plan = Plan.objects.get(owner__username="mina")
    secret = Goal.objects.get(plan=plan, withheld_from_parents=True)
    assert is_withheld(secret) and secret.measures.exists() and secret.notes.exists()
    assert Goal.objects.filter(plan=plan, created_by__username="mina").exists()  # her own goal


def test_the_demo_has_an_expecting_family_in_the_queue_and_emmas_family_page():
    from casework.models import Case
    from plans.models import Family

    seed()
    expected = Case.objects.get(expected_on__isnull=False)
    assert expected.is_expected_child and expected.status == Case.Status.RECEIVED
    assert expected.expected_on > timezone.localdate()
    family = Family.objects.get(child__username="emma")
    assert family.coordinator.username == "koordinator" and family.plan is not None
    assert family.services.count() >= 3
    assert family.tasks.exclude(state="todo").count() >= 2


def test_it_has_a_coordinator_without_a_plan_with_three_services_at_one_meeting():
    from plans.models import Participant

    seed()
    record = Plan.objects.get(owner__username="sander")
    assert record.kind == Plan.Kind.COORDINATION
    assert record.status == Plan.Status.ACTIVE
    assert record.decisions.get().plan_outcome == "not_asked"
    meeting = record.meetings.get()
    invited = meeting.invitees.values("user")
    services = Participant.objects.filter(plan=record, user__in=invited)
    assert set(services.values_list("organisation__kind", flat=True)) == {"nav", "school", "gp"}
