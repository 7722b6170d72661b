"""`{{ access|can_edit:measure }}`: templates ask the access what the user may do with an item
(consent/access.py), never rebuild the rule."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def can_edit(access, target) -> bool:
    return access.can_edit(target)


@register.simple_tag
def plan_labels() -> dict[str, str]:
    """The words repeated on every goal and measure of the plan page, translated once per
    page (`{% plan_labels as label %}` ... `{{ label.who }}`) rather than once per item."""
    return {
        "own": gettext("Egeninnsats"),
        "who": gettext("Hvem"),
        "unclear": gettext("Ikke avklart"),
        "responsible": gettext("Ansvarlig"),
        "missing": gettext("Mangler"),
        "owner_self": gettext("Planeier selv"),
        "scope": gettext("Omfang"),
        "when": gettext("Når"),
        "start": gettext("Start"),
        "level": gettext("Nivå (BTI)"),
        "evaluated": gettext("Evalueres"),
        "passed": gettext("fristen er passert"),
        "no_deadline": gettext("ingen frist"),
        "how": gettext("Hvordan det gjøres"),
        "edit": gettext("Endre"),
        "doing": gettext("Det som gjøres"),
        "edit_goal": gettext("Endre målet"),
        "new_subgoal": gettext("Nytt delmål"),
        "under": gettext("under"),
        "for": gettext("for"),
        "new_measure": gettext("Nytt tiltak"),
        "own_new": gettext("Legg til noe du gjør selv"),
        "up": gettext("Flytt opp"),
        "down": gettext("Flytt ned"),
        "subgoals": gettext("Delmål"),
        "withheld": gettext("Skjermet for foreldrene"),
        "withhold": gettext("Skjerm for foreldrene"),
        "unwithhold": gettext("Vis for foreldrene igjen"),
    }
