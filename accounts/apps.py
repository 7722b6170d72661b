from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Brukere og kommuner")

    def ready(self):
        from accounts.home import home_part
        from ipplan.home import register_home_part

        register_home_part(home_part)

        from django.db.models.signals import post_migrate

        from accounts import signals  # noqa: F401  (connects the security-log receivers)
        from ipplan import checks  # noqa: F401  (registers the integration checks)
        from ipplan.db_roles import app_role_grant_after_migrate

        # Once per `migrate`, after every app's migrations: the app role's grants (if set).
        post_migrate.connect(
            app_role_grant_after_migrate, sender=self, dispatch_uid="ipplan_app_role_grant"
        )
