"""Django admin: for the installation's operators (superusers with MFA, through the normal
allauth login); never plan contents.

Municipal administrators are refused here: they use the in-app pages under /administrasjon/
(accounts/views_admin.py), which cannot touch citizens' credentials, identity numbers or
representations. Representations are made only by the services in accounts/representations.py,
so even operators see them here read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, Representation, StaffMembership, User
from accounts.roles import administered_municipality_ids, user_has_mfa


class IpplanAdminSite(admin.AdminSite):
    site_header = _("ipplan – administrasjon")
    site_title = _("ipplan administrasjon")
    index_title = _("Kommuner, tjenester og brukere")

    def has_permission(self, request):
        user = request.user
        return bool(
            user.is_active and user.is_authenticated and user.is_superuser and user_has_mfa(user)
        )

    def login(self, request, extra_context=None):
        # One login for everything: allauth's, with MFA. A signed-in user who is not an
        # operator is refused rather than asked to log in again.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path(), reverse("account_login"))


admin_site = IpplanAdminSite(name="admin")


class MunicipalityScopedAdmin(admin.ModelAdmin):
    """Rows belong to a municipality through `municipality_path`; admins see their own only."""

    municipality_path = "municipality"

    def _administered(self, request):
        return administered_municipality_ids(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        administered = self._administered(request)
        if administered is None:
            return queryset
        return queryset.filter(**{f"{self.municipality_path}__in": administered}).distinct()

    def _allowed(self, request, obj=None):
        administered = self._administered(request)
        if administered is None:
            return True
        if not administered:
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        administered = self._administered(request)
        if administered is not None and db_field.related_model is Municipality:
            kwargs["queryset"] = Municipality.objects.filter(pk__in=administered)
        elif administered is not None and db_field.related_model is Organisation:
            kwargs["queryset"] = Organisation.objects.filter(municipality__in=administered)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Municipality, site=admin_site)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    municipality_path = "pk"
    list_display = ["name", "municipality_number", "organisation_number", "phone"]
    search_fields = ["name", "municipality_number"]
    fields = [
        "name",
        "slug",
        "municipality_number",
        "organisation_number",
        "coordinating_unit_name",
        "address",
        "postal_code",
        "postal_town",
        "phone",
        "email",
        "complaint_address",
        "county_governor",
        "relay_log_own_consent",
    ]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        administered = self._administered(request)
        return queryset if administered is None else queryset.filter(pk__in=administered)


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "kind", "municipality", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    fields = ["municipality", "name", "kind", "phone", "email", "is_active"]


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    fk_name = "user"
    extra = 0
    fields = ["municipality", "role", "organisation", "title", "is_active"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        administered = administered_municipality_ids(request.user)
        if administered is not None and db_field.related_model is Municipality:
            kwargs["queryset"] = Municipality.objects.filter(pk__in=administered)
        elif administered is not None and db_field.related_model is Organisation:
            kwargs["queryset"] = Organisation.objects.filter(municipality__in=administered)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UserAddForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "home_municipality")


@admin.register(User, site=admin_site)
class UserAdmin(MunicipalityScopedAdmin, DjangoUserAdmin):
    """Users of an administrator's municipality: its staff and its residents."""

    municipality_path = "memberships__municipality"
    list_display = ["username", "first_name", "last_name", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_filter = ["is_active"]
    ordering = ["last_name", "first_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Person"),
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "birth_date",
                    "home_municipality",
                ]
            },
        ),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_form = UserAddForm
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "home_municipality",
                    "password1",
                    "password2",
                ]
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        administered = self._administered(request)
        if administered is None:
            return queryset
        return queryset.filter(
            Q(memberships__municipality__in=administered) | Q(home_municipality__in=administered)
        ).distinct()


@admin.register(Representation, site=admin_site)
class RepresentationAdmin(admin.ModelAdmin):
    """Read-only: who acts for whom is decided by the services that record the basis."""

    list_display = ["person", "representative", "kind", "basis_kind", "valid_from", "ended_at"]
    raw_id_fields = ["person", "representative"]
    fields = [
        "person",
        "representative",
        "kind",
        "basis_kind",
        "basis",
        "document_reference",
        "other_parent_name",
        "valid_from",
        "valid_until",
        "created_at",
        "created_by",
        "confirmed_at",
        "confirmed_by",
        "ended_at",
        "ended_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
