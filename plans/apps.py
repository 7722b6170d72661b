from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Individuelle planer")

    def ready(self):
        from ipplan.home import register_home_part
        from plans.home import home_part

        register_home_part(home_part)
