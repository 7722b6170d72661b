from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Individuelle planer")

    def ready(self):
        from accounts.administration_tasks import (
            register_administration_task,
            register_retention_part,
        )
        from ipplan.home import register_home_part
        from plans.administration import retention_part, retention_task
        from plans.home import home_part

        register_home_part(home_part)
        register_administration_task(retention_task)
        register_retention_part(retention_part)
