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
    row = Representation.objects.get()
    assert row.basis_kind == Representation.BasisKind.POPULATION_REGISTER
    assert row.created_by.username == "saksbehandler" and row.other_parent_name
    father = User.objects.get(username="foresatt")
    assert row.person_id in represented_people_ids(father)
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
