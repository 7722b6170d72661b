"""`{{ meeting.starts_at|weekday_date }}`: a day with its weekday and time, in the active
language's own pattern (WEEKDAY_DATETIME_FORMAT in ipplan/formats/<lang>/formats.py), for what
Django's named formats do not cover. `|weekday_date:"year"` adds the year."""

from importlib import import_module

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import translation

register = template.Library()
FALLBACK = "nb"


def _pattern(name: str) -> str:
    language = (translation.get_language() or FALLBACK).split("-")[0]
    try:
        module = import_module(f"ipplan.formats.{language}.formats")
    except ImportError:
        module = import_module(f"ipplan.formats.{FALLBACK}.formats")
    return getattr(module, name)


@register.filter(expects_localtime=True)
def weekday_date(value, arg: str = ""):
    name = "WEEKDAY_DATETIME_YEAR_FORMAT" if arg == "year" else "WEEKDAY_DATETIME_FORMAT"
    return date_filter(value, _pattern(name))
