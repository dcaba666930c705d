"""Values read from a query string or a form post: what a person, a bookmark or a crawler sent.

Never trusted: "²".isdigit() is true and int("²") fails; a 20-digit id overflows both databases."""

import datetime

MAX_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL store
MAX_PAGE = 1_000_000

# Dates a record may carry. Python's own limits (years 1 and 9999) would let a due date one month
# past 9999-12-31 crash every page that computes it; no cooperation record lies outside these.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def positive_int(value, maximum: int = MAX_ID) -> int | None:
    """`value` as an int in 1..maximum, or None when it is not one."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def page_number(value) -> int:
    return positive_int(value, maximum=MAX_PAGE) or 1
