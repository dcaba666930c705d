"""The partner page's timeline: every agreement, event, delegation and project involving a
partner or its child organisations, newest first.

Each record app that has something to show exposes, in its own `timeline.py`,

    def timeline_entries(partner_ids: set[int], user) -> Iterable[TimelineEntry]

returning the records the user may see that involve any of `partner_ids`. Apps without that
module contribute nothing, so the timeline fills in as record types land."""

import datetime
from collections import Counter
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _

TIMELINE_APPS = ("agreements", "activities", "aid", "programmes")
TIMELINE_KINDS = [
    ("agreement", _("Agreements")),
    ("event", _("Events")),
    ("delegation", _("Delegations")),
    ("project", _("Projects")),
]


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    kind: str  # "agreement", "event", "delegation", "project"
    title: str
    url: str
    partner_id: int
    status: str = ""  # the record's status as the reader sees it

    def get_kind_display(self) -> str:
        return str(dict(TIMELINE_KINDS).get(self.kind, self.kind))


def family_ids(partner) -> set[int]:
    """The partner and every organisation below it (France → AFD, the French ministries...)."""
    from hoptac.partners.models import Partner

    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Partner.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, stack = set(), [partner.pk]
    while stack:
        pk = stack.pop()
        if pk not in ids:
            ids.add(pk)
            stack.extend(children.get(pk, []))
    return ids


def _providers():
    for label in TIMELINE_APPS:
        if not apps.is_installed(f"hoptac.{label}"):
            continue
        try:
            module = import_module(f"hoptac.{label}.timeline")
        except ModuleNotFoundError:
            continue
        yield module.timeline_entries


def all_entries(partner, user) -> list[TimelineEntry]:
    ids = family_ids(partner)
    entries: list[TimelineEntry] = []
    for provider in _providers():
        entries.extend(provider(ids, user))
    return sorted(entries, key=lambda e: (e.date, e.title), reverse=True)


def timeline_for(partner, *, user=None, kind: str = "", year: int | None = None) -> list[TimelineEntry]:
    entries = all_entries(partner, user)
    if kind:
        entries = [e for e in entries if e.kind == kind]
    if year:
        entries = [e for e in entries if e.date.year == year]
    return entries


def counts_per_year(entries: list[TimelineEntry]) -> list[tuple[int, int]]:
    counts = Counter(e.date.year for e in entries)
    return sorted(counts.items(), reverse=True)
