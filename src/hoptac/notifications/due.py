"""What falls due, and for whom: the one interface reminders and "my due items" share.

Each record app that has deadlines exposes `due_items(today) -> list[DueItem]` in its
`reminders.py`; PROVIDERS below lists them."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DueItem:
    user_id: int
    key: str  # stable per item and reason, e.g. "agreement:12:expires-in-30"
    title: str  # already in the words the user reads
    url: str
    due_date: datetime.date | None
    kind: str  # "agreement", "event_report", "task", ...
    overdue: bool = False


Provider = Callable[[datetime.date], Iterable[DueItem]]


def providers() -> list[Provider]:
    from hoptac.activities.reminders import due_items as activities
    from hoptac.agreements.reminders import due_items as agreements
    from hoptac.programmes.reminders import due_items as programmes

    return [agreements, activities, programmes]


def all_due_items(today: datetime.date) -> list[DueItem]:
    items: list[DueItem] = []
    for provider in providers():
        items.extend(provider(today))
    return items


def due_items_for(user, today: datetime.date) -> list[DueItem]:
    items = [item for item in all_due_items(today) if item.user_id == user.pk]
    return sorted(items, key=lambda i: (not i.overdue, i.due_date or datetime.date.max, i.title))
