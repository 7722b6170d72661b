from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Samhandling")

    def ready(self):
        from coordination.home import family_home_part, home_part
        from ipplan.home import register_home_part

        register_home_part(home_part)
        register_home_part(family_home_part)

        from coordination.selectors import plan_page_context, plan_page_facts
        from plans.extensions import register_overview_extension, register_overview_facts

        register_overview_extension(
            plan_page_context, keys_from_facts=("next_meeting", "unread_messages")
        )
        register_overview_facts(plan_page_facts)

        from coordination.services.meetings import meetings_cancel_for_closed_plan
        from plans.extensions import register_closing_hook

        register_closing_hook(meetings_cancel_for_closed_plan)
