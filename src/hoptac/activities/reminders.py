import datetime

from hoptac.notifications.due import DueItem


def due_items(today: datetime.date) -> list[DueItem]:
    """Items of this app that fall due or are late on `today`, one per responsible user."""
    return []
