"""Bokmål: one numeric date (14.03.2025) and one long date (14. mars 2025) everywhere.
Templates name these formats (`|date:"SHORT_DATE_FORMAT"`), never a pattern of their own; what
is not set here falls back to Django's own nb formats."""

DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j. F"
TIME_FORMAT = "H:i"
# Not a Django format name: read by the `weekday_date` filter (plans/templatetags/dates.py).
WEEKDAY_DATETIME_FORMAT = "l j. F, H:i"
WEEKDAY_DATETIME_YEAR_FORMAT = "l j. F Y, H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
