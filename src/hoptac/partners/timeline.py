"""The partner page's timeline: every agreement, event, delegation and project involving a
partner or its child organisations, newest first. Filled in by the agreements/activities work."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    kind: str  # "agreement", "event", "delegation", "project"
    title: str
    url: str
    partner_id: int


def timeline_for(partner, *, kind: str = "", year: int | None = None) -> list[TimelineEntry]:
    return []
