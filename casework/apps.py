from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Koordinerende enhet")

    def ready(self):
        from accounts.administration_tasks import register_administration_task
        from casework.administration import archive_task, failed_letters_task, training_task
        from casework.home import home_part
        from ipplan.home import register_home_part

        register_home_part(home_part)
        register_administration_task(training_task)
        register_administration_task(failed_letters_task)
        register_administration_task(archive_task)
        # Registers the letter-delivery tasks with Celery in the web process too: services
        # publish them by name (casework/services/deliveries.py).
        import casework.tasks  # noqa: F401
        from casework.selectors import ip_right_for_plan
        from plans.extensions import register_ip_right_check

        register_ip_right_check(ip_right_for_plan)
        from casework.selectors import ip_decision_grounds
        from plans.extensions import register_ip_grounds

        register_ip_grounds(ip_decision_grounds)
