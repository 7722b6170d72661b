"""The home page's first part: which roles the person holds (ipplan/home.py)."""

from __future__ import annotations

from accounts.models import StaffMembership
from accounts.roles import user_roles


def home_part(request, context: dict) -> dict:
    roles = user_roles(request.user)
    return {
        "roles": roles,
        "is_administrator": roles.has(StaffMembership.Role.ADMINISTRATOR),
        "is_citizen_only": not roles.is_staff_member,
    }
