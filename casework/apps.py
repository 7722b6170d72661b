from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Koordinerende enhet")

    def ready(self):
        from accounts.administration_tasks import register_administration_task
        from casework.administration import training_task
        from casework.home import home_part
        from ipplan.home import register_home_part

        register_home_part(home_part)
        register_administration_task(training_task)

        from casework.selectors import ip_decision_grounds
        from plans.extensions import register_ip_grounds

        register_ip_grounds(ip_decision_grounds)
