from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Samtykke og tilgang")

    def ready(self):
        from consent import door
        from plans import access

        access.install(door)

        from consent.home import home_part
        from ipplan.home import register_home_part

        register_home_part(home_part)

        from consent.coming_of_age import plan_page_part
        from plans.extensions import register_overview_extension

        register_overview_extension(plan_page_part)

        from consent.selectors import ip_consented_by
        from plans.extensions import register_ip_consent

        register_ip_consent(ip_consented_by)

        from consent.relay_log import relay_log_page_part

        register_overview_extension(relay_log_page_part)
