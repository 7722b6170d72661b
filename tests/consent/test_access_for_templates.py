"""Templates ask the access what the user may do (`access.may_write.goals`,
`access|can_edit:measure`), never rebuild the rule: the answers follow the grants and the
closing of the plan, and no template spells a rule out itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from consent.policy import plan_access
from plans.models import Goal, Measure, Participant, Plan
from plans.sections import Section
from plans.services.lifecycle import plan_close

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _nurse(plan):
    return Participant.objects.get(plan=plan, name="Nina Sykepleier").user


def _measures(plan, coordinator):
    goal = Goal.objects.create(plan=plan, title="Mål", created_by=coordinator)
    service = Measure.objects.create(
        plan=plan, goal=goal, title="Tjenestens tiltak", created_by=coordinator
    )
    own = Measure.objects.create(
        plan=plan, goal=goal, title="Eget tiltak", is_own_contribution=True, created_by=coordinator
    )
    return service, own


def test_may_write_and_may_read_follow_the_grants(access_plan):
    access = plan_access(_nurse(access_plan), access_plan)
    assert access.may_write[Section.MEASURES] and access.may_read[Section.MEASURES]
    assert not access.may_write[Section.GOALS] and not access.may_read[Section.GOALS]


def test_nothing_is_writable_once_the_plan_is_closed(access_plan, coordinator):
    plan_close(plan=access_plan, reason=Plan.ClosingReason.OTHER, note="", acting_user=coordinator)
    access_plan.refresh_from_db()
    access = plan_access(coordinator, access_plan)
    assert not any(access.may_write.values())
    assert access.may_read[Section.GOALS]


def test_the_owner_side_edits_its_own_contributions_and_writers_edit_every_measure(
    access_plan, guardian, coordinator
):
    service, own = _measures(access_plan, coordinator)
    guardian_access = plan_access(guardian, access_plan)
    nurse_access = plan_access(_nurse(access_plan), access_plan)
    assert guardian_access.can_edit(own) and not guardian_access.can_edit(service)
    assert nurse_access.can_edit(own) and nurse_access.can_edit(service)
    shown = Template("{% load plan_access %}{{ a|can_edit:m }}")
    assert shown.render(Context({"a": guardian_access, "m": own})) == "True"
    assert shown.render(Context({"a": guardian_access, "m": service})) == "False"


def test_no_template_rebuilds_a_write_rule():
    # A section looked up in the raw sets, or a write rule finished off with the plan's state.
    rebuilt = re.compile(r"in (?:\w+\.)*access\.(?:write|read)\b|access\..*not plan\.is_closed")
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if rebuilt.search(line)
    ]
    assert found == []
