"""Values read from a query string or a form post: what a person, a bookmark or a crawler sent.

Never trusted: "²".isdigit() is true and int("²") fails; a 20-digit id overflows both databases."""

import datetime
import re
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL store
MAX_PAGE = 1_000_000

# Dates a record may carry. Python's own limits (years 1 and 9999) would let a due date one month
# past 9999-12-31 crash every page that computes it; no cooperation record lies outside these.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


# C0 controls but tab, newline and carriage return: XML 1.0, XLSX and DOCX cannot hold them
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_record_date(value: datetime.date | None) -> None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_range",
            params={
                "first": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "last": date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
            },
        )


def positive_int(value, maximum: int = MAX_ID) -> int | None:
    """`value` as an int in 1..maximum, or None when it is not one."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


class VersionField(forms.IntegerField):
    """The version an edit form was opened at, sent back hidden: a stale one is a conflict."""

    widget = forms.HiddenInput
    default_error_messages = {
        "required": gettext_lazy(
            "This form lost the version it was opened at: reload the page and make your change again."
        )
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Version"))
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


def error_summary(form) -> str:
    """A form's errors in one line for a flash message, each under its field's label (never its
    internal name), when the page redirects instead of showing the form again."""
    parts = [str(e) for e in form.non_field_errors()]
    parts += [f"{field.label}: {' '.join(field.errors)}" for field in form if field.errors]
    return "; ".join(parts)


def page_number(value) -> int:
    return positive_int(value, maximum=MAX_PAGE) or 1


# ---- the same bounds for the REST API's query strings, paths and bodies (pydantic types) ----

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=EARLIEST_DATE.year, le=LATEST_DATE.year)]
Day = Annotated[datetime.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset with the offset bounded too (a 20-digit offset overflows the database)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=MAX_ID)
