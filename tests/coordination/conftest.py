import datetime

import pytest
from django.utils import timezone

from consent.services import grants_decide, plan_consent_give
from plans.services.goals import goal_create
from plans.services.participants import participant_add
from tests.factories import staff

SOON = timezone.localdate() + datetime.timedelta(days=60)


@pytest.fixture
def team(plan, owner, coordinator, municipality):
    """Ingrid's plan: Per (NAV) may read and write meetings and messages; Nina (nurse) may read
    measures only, so she must never be invited or told about meetings and messages."""
    plan_consent_give(plan=plan, acting_user=owner)
    per = staff("professional", municipality, username="per", first_name="Per", last_name="Hansen")
    nina = staff(
        "professional", municipality, username="nina", first_name="Nina", last_name="Sykepleier"
    )
    per_participant = participant_add(
        plan=plan, user=per, name="Per Hansen", role="service_provider", acting_user=coordinator
    )
    nina_participant = participant_add(
        plan=plan,
        user=nina,
        name="Nina Sykepleier",
        role="service_provider",
        acting_user=coordinator,
    )
    grants_decide(
        plan=plan,
        participant=per_participant,
        ends_on=SOON,
        acting_user=owner,
        levels={"meetings": "write", "messages": "write", "goals": "read"},
    )
    grants_decide(
        plan=plan,
        participant=nina_participant,
        ends_on=SOON,
        acting_user=owner,
        levels={"measures": "read"},
    )
    goal = goal_create(
        plan=plan, title="Klare innkjøp selv", acting_user=coordinator, status="in_progress"
    )
    return {
        "plan": plan,
        "per": per,
        "nina": nina,
        "goal": goal,
        "per_participant": per_participant,
    }
