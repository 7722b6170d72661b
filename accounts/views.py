from __future__ import annotations

from django.shortcuts import redirect, render

from accounts.roles import user_has_mfa, user_requires_mfa, user_roles


def mfa_required(request):
    """Explains why a staff member must set up a second factor, and links to the set-up."""
    if not user_requires_mfa(request.user) or user_has_mfa(request.user):
        return redirect("home")
    return render(request, "accounts/mfa_required.html")


def profile(request):
    user = request.user
    context = {
        "memberships": user.memberships.filter(is_active=True).select_related(
            "municipality", "organisation"
        ),
        "represented": user.represented_people.select_related("person"),
        "is_staff_member": user_roles(user).is_staff_member,
        "has_mfa": user_has_mfa(user),
    }
    return render(request, "accounts/profile.html", context)
