"""Emma's plan (she is 10; her father Lars decides for her) with every kind of participant:

- nurse Nina: a grant in force on measures, read and write;
- teacher Tor: a grant in force on goals, read only (a grant on *another* section);
- advisor Eva: had a grant on measures that ended one second ago;
- therapist Rolf: had a grant on measures that Lars revoked.
"""

import datetime

import pytest
from django.utils import timezone

from consent.models import AccessGrant
from consent.services import grants_decide, grants_revoke, plan_consent_give
from plans.services.participants import participant_add
from tests.factories import staff

IN_A_MONTH = timezone.localdate() + datetime.timedelta(days=30)


def add_participant(plan, coordinator, user, name):
    return participant_add(
        plan=plan, user=user, name=name, role="service_provider", acting_user=coordinator
    )


@pytest.fixture
def access_plan(child_plan, child, guardian, coordinator, municipality):
    plan = child_plan
    plan_consent_give(plan=plan, acting_user=guardian)
    people = {}
    for key, name, levels in [
        ("nurse", "Nina Sykepleier", {"measures": "write"}),
        ("teacher", "Tor Lærer", {"goals": "read"}),
        ("expired", "Eva Utløpt", {"measures": "read"}),
        ("revoked", "Rolf Tilbaketrukket", {"measures": "read"}),
    ]:
        user = staff(
            "professional",
            municipality,
            username=key,
            first_name=name.split()[0],
            last_name=name.split()[1],
        )
        participant = add_participant(plan, coordinator, user, name)
        grants_decide(
            plan=plan,
            participant=participant,
            levels=levels,
            ends_on=IN_A_MONTH,
            acting_user=guardian,
        )
        people[key] = user
        people[f"{key}_participant"] = participant
    now = timezone.now()
    AccessGrant.objects.filter(participant=people["expired_participant"]).update(
        starts_at=now - datetime.timedelta(days=30), ends_at=now - datetime.timedelta(seconds=1)
    )
    grants_revoke(plan=plan, participant=people["revoked_participant"], acting_user=guardian)
    child.set_password("emma-sitt-passord-1")
    child.save()
    plan.people = people
    return plan
