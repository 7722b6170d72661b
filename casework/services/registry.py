"""The coordinator registry: training (required before appointment) and who can be
barnekoordinator."""

from __future__ import annotations

from django.db import transaction

from casework.models import CoordinatorProfile
from casework.services.cases import require_handler


@transaction.atomic
def coordinator_profile_save(
    *, membership, trained_on, course: str, can_be_child_coordinator: bool, note: str, acting_user
) -> CoordinatorProfile:
    require_handler(acting_user, membership.municipality_id)
    profile, _created = CoordinatorProfile.objects.update_or_create(
        user=membership.user,
        municipality=membership.municipality,
        defaults={
            "trained_on": trained_on,
            "course": course,
            "can_be_child_coordinator": can_be_child_coordinator,
            "note": note,
        },
    )
    return profile
