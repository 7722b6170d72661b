"""Django's admin site (superusers only, accounts/admin.py), included by the root URLconf."""

from accounts.admin import admin_site

urlpatterns, app_name, _instance_namespace = admin_site.urls
