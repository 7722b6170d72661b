from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Klager")

    def ready(self):
        from casework.statistics import register_statistics_part
        from complaints.statistics import statistics_part

        register_statistics_part(statistics_part)
