import datetime
from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def cell(value):
    """A table cell as the reader's language writes it (dates dd/mm/yyyy in Vietnamese)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, Decimal):
        return number_format(value, 2, use_l10n=True, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, 0, use_l10n=True, force_grouping=True)
    return value


@register.filter
def is_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)
