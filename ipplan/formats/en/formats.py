"""English (British usage, as the municipalities' English pages are read in Europe): one
numeric date (14/03/2025) and one long date (14 March 2025) everywhere. Templates name these
formats (`|date:"SHORT_DATE_FORMAT"`); what is not set here falls back to Django's en formats."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
# Not a Django format name: read by the `weekday_date` filter (plans/templatetags/dates.py).
WEEKDAY_DATETIME_FORMAT = "l j F, H:i"
WEEKDAY_DATETIME_YEAR_FORMAT = "l j F Y, H:i"
# Typed dates are read day first, as they are shown (never the American month first).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
