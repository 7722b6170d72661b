"""Navigation for the signed-in user's roles (the roles are read once per request)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffMembership
from accounts.login_flow import session_used_mfa
from accounts.roles import user_has_mfa, user_requires_mfa, user_roles

Role = StaffMembership.Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    # A session that used a second factor has one (and StaffMFARequiredMiddleware lets it
    # through): the authenticator is looked up only for a session that has not.
    if user_requires_mfa(user) and not session_used_mfa(request, user) and not user_has_mfa(user):
        return {"nav_items": [], "user_is_staff_member": roles.is_staff_member}
    items = [(_("Forside"), reverse("home"))]
    if roles.has(Role.COORDINATOR):
        items.append((_("Mine planer"), reverse("plans:coordinator_list")))
    if roles.has(Role.CASE_HANDLER):
        items.append((_("Saker"), reverse("casework:case_queue")))
        items.append((_("Klager"), reverse("complaints:list")))
        items.append((_("Koordinatorer"), reverse("casework:registry")))
        items.append((_("Representanter"), reverse("casework:representations")))
        items.append((_("Statistikk"), reverse("casework:statistics")))
    if not roles.is_staff_member:
        items.append((_("Mine saker"), reverse("casework:my_cases")))
    if roles.has(Role.ADMINISTRATOR):
        items.append((_("Administrasjon"), reverse("administration:index")))
        if not roles.has(Role.CASE_HANDLER):
            items.append((_("Koordinatorer"), reverse("casework:registry")))
    if user.is_superuser:
        items.append((_("Drift (Django-admin)"), reverse("admin:index")))
    items.append((_("Min profil"), reverse("accounts:profile")))
    path = request.path
    return {
        "nav_items": [{"label": label, "url": url, "current": path == url} for label, url in items],
        "user_is_staff_member": roles.is_staff_member,
    }
