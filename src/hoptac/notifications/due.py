"""What falls due, and for whom: the one interface reminders and "my due items" share.

Each record app that has deadlines exposes `due_items(today) -> list[DueItem]` in its
`reminders.py`; `providers()` finds them in the installed apps."""

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
    """`due_items` of every installed app's `reminders` module, in the order of INSTALLED_APPS."""
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "reminders"):
            module = import_module(f"{config.name}.reminders")
            if hasattr(module, "due_items"):
                found.append(module.due_items)
    return found


def all_due_items(today: datetime.date) -> list[DueItem]:
    items: list[DueItem] = []
    for provider in providers():
        items.extend(provider(today))
    return items


def due_items_for(user, today: datetime.date) -> list[DueItem]:
    items = [item for item in all_due_items(today) if item.user_id == user.pk]
    return sorted(items, key=lambda i: (not i.overdue, i.due_date or datetime.date.max, i.title))
