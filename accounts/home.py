"""The home page's first part: which roles the person holds (ipplan/home.py), and for a
municipal administrator their tasks with what needs attention."""

from __future__ import annotations

from accounts.administration import administered_ids
from accounts.administration_tasks import administration_tasks
from accounts.models import StaffMembership
from accounts.roles import user_roles


def home_part(request, context: dict) -> dict:
    roles = user_roles(request.user)
    is_administrator = roles.has(StaffMembership.Role.ADMINISTRATOR)
    part = {
        "roles": roles,
        "is_administrator": is_administrator,
        "is_citizen_only": not roles.is_staff_member,
    }
    if is_administrator:
        ids = administered_ids(request.user)
        part["administration_tasks"] = administration_tasks(municipality_ids=ids)
    return part
