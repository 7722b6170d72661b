"""Reads on people for the account pages; each returns 404 to anyone outside its rule."""

from __future__ import annotations

from django.http import Http404

from accounts.models import StaffMembership, User
from accounts.roles import user_roles


def person_for_setup_code_exception(*, user: User, person_id: int) -> User:
    """The person a case handler may approve a set-up code exception for: someone living in
    a municipality where `user` is a case handler. Everyone else gets 404."""
    municipality_ids = user_roles(user).municipalities_with(StaffMembership.Role.CASE_HANDLER)
    person = (
        User.objects.filter(pk=person_id, home_municipality_id__in=municipality_ids)
        .exclude(pk=user.pk)
        .first()
    )
    if person is None:
        raise Http404
    return person
