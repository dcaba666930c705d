"""Reads: filtered, sorted event and delegation lists for the pages, the API, the calendar and
(later) dashboards and reports. Filters are plain keyword arguments."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from hoptac.activities.models import Delegation, DelegationLeg, Event, EventParticipant
from hoptac.org.permissions import visible
from hoptac.search.folding import fold_words

EVENT_SORTS = {
    "start": ("start_date",),
    "-start": ("-start_date",),
    "title": ("title_vi",),
    "-title": ("-title_vi",),
    "kind": ("kind", "-start_date"),
    "-kind": ("-kind", "-start_date"),
    "status": ("status", "-start_date"),
    "-status": ("-status", "-start_date"),
    "unit": ("organiser_unit__name_vi", "-start_date"),
    "-unit": ("-organiser_unit__name_vi", "-start_date"),
    "updated": ("updated_at",),
    "-updated": ("-updated_at",),
}

DELEGATION_SORTS = {
    "start": ("start_date",),
    "-start": ("-start_date",),
    "title": ("title_vi",),
    "-title": ("-title_vi",),
    "direction": ("direction", "-start_date"),
    "-direction": ("-direction", "-start_date"),
    "status": ("status", "-start_date"),
    "-status": ("-status", "-start_date"),
    "unit": ("owner_unit__name_vi", "-start_date"),
    "-unit": ("-owner_unit__name_vi", "-start_date"),
    "cost": ("cost", "-start_date"),
    "-cost": ("-cost", "-start_date"),
    "updated": ("updated_at",),
    "-updated": ("-updated_at",),
}


def _search(queryset: QuerySet, q: str) -> QuerySet:
    for word in fold_words(q):
        queryset = queryset.filter(search_text__contains=" " + word)
    return queryset


def _family(partner_ids) -> set[int]:
    """The partners and their child organisations (France includes AFD)."""
    from hoptac.partners.models import Partner

    ids = {int(p) for p in partner_ids}
    frontier = set(ids)
    while frontier:
        frontier = set(Partner.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def event_queryset(user) -> QuerySet:
    return visible(
        user,
        Event.objects.select_related("organiser_unit", "country").prefetch_related(
            "co_organisers",
            "fields",
            "documents",
            Prefetch("participants", queryset=EventParticipant.objects.select_related("partner")),
            "follow_ups__owner_unit",
        ),
    )


def event_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    unit: int | None = None,
    partner: int | None = None,
    country: str = "",
    field: int | None = None,
    year: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    report_late_on: datetime.date | None = None,
    published: bool | None = None,
    sort: str = "",
) -> QuerySet:
    queryset = event_queryset(user)
    if q:
        queryset = _search(queryset, q)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if unit:
        queryset = queryset.filter(organiser_unit_id=unit)
    if partner:
        ids = _family([partner])
        queryset = queryset.filter(Q(co_organisers__in=ids) | Q(participants__partner__in=ids)).distinct()
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if field:
        queryset = queryset.filter(fields=field)
    if year:
        queryset = queryset.filter(start_date__year=year)
    if date_from:
        queryset = queryset.filter(end_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(start_date__lte=date_to)
    if published is not None:
        queryset = queryset.filter(is_published=published)
    if report_late_on:
        late = [e.pk for e in queryset.filter(status=Event.Status.HELD) if e.report_late(report_late_on)]
        queryset = queryset.filter(pk__in=late)
    return queryset.order_by(*EVENT_SORTS.get(sort, ("-start_date",)), "pk")


def delegation_queryset(user) -> QuerySet:
    prefetch = [
        "partners_met",
        "members__unit",
        Prefetch("legs", queryset=DelegationLeg.objects.select_related("country")),
    ]
    if hasattr(Delegation, "agreements"):
        prefetch.append("agreements")
    return visible(user, Delegation.objects.select_related("owner_unit", "cost_currency").prefetch_related(*prefetch))


def delegation_list(
    user,
    *,
    q: str = "",
    direction: str = "",
    status: str = "",
    unit: int | None = None,
    partner: int | None = None,
    country: str = "",
    funding_source: str = "",
    year: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    report_late_on: datetime.date | None = None,
    sort: str = "",
) -> QuerySet:
    queryset = delegation_queryset(user)
    if q:
        queryset = _search(queryset, q)
    if direction:
        queryset = queryset.filter(direction=direction)
    if status:
        queryset = queryset.filter(status=status)
    if unit:
        queryset = queryset.filter(owner_unit_id=unit)
    if partner:
        queryset = queryset.filter(partners_met__in=_family([partner])).distinct()
    if country:
        queryset = queryset.filter(legs__country_id=country.upper()).distinct()
    if funding_source:
        queryset = queryset.filter(funding_source=funding_source)
    if year:
        queryset = queryset.filter(start_date__year=year)
    if date_from:
        queryset = queryset.filter(end_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(start_date__lte=date_to)
    if report_late_on:
        late = [d.pk for d in queryset.filter(status=Delegation.Status.RETURNED) if d.report_late(report_late_on)]
        queryset = queryset.filter(pk__in=late)
    return queryset.order_by(*DELEGATION_SORTS.get(sort, ("-start_date",)), "pk")


# ---- calendar -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarItem:
    kind: str  # "event" or "delegation"
    uid: str
    title: str
    start: datetime.date
    end: datetime.date  # inclusive
    url: str
    place: str
    status: str
    status_label: str
    description: str = ""


def calendar_items(
    user,
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    unit: int | None = None,
    partner: int | None = None,
    language: str = "vi",
    include_cancelled: bool = False,
) -> list[CalendarItem]:
    """Events and delegation legs overlapping [date_from, date_to]; a delegation without legs
    shows as one item over its whole dates."""
    items: list[CalendarItem] = []
    events = event_list(user, unit=unit, partner=partner, date_from=date_from, date_to=date_to)
    if not include_cancelled:
        events = events.exclude(status=Event.Status.CANCELLED)
    for e in events:
        items.append(
            CalendarItem(
                "event",
                f"event-{e.pk}",
                e.display_title(language),
                e.start_date,
                e.end_date,
                e.get_absolute_url(),
                e.place_display(),
                e.status,
                e.get_status_display(),
                e.get_kind_display(),
            )
        )
    delegations = delegation_list(user, unit=unit, partner=partner, date_from=date_from, date_to=date_to)
    if not include_cancelled:
        delegations = delegations.exclude(status=Delegation.Status.CANCELLED)
    for d in delegations:
        title = d.display_title(language)
        legs = list(d.legs.all())
        if not legs:
            items.append(
                CalendarItem(
                    "delegation",
                    f"delegation-{d.pk}",
                    title,
                    d.start_date,
                    d.end_date,
                    d.get_absolute_url(),
                    "",
                    d.status,
                    d.get_status_display(),
                    d.get_direction_display(),
                )
            )
        for leg in legs:
            if leg.end_date < date_from or leg.start_date > date_to:
                continue
            country = leg.country.name_en if language == "en" else leg.country.name_vi
            place = f"{leg.city}, {country}" if leg.city else country
            items.append(
                CalendarItem(
                    "delegation",
                    f"delegation-{d.pk}-leg-{leg.pk}",
                    f"{title} — {place}",
                    leg.start_date,
                    leg.end_date,
                    d.get_absolute_url(),
                    place,
                    d.status,
                    d.get_status_display(),
                    d.get_direction_display(),
                )
            )
    return sorted(items, key=lambda i: (i.start, i.end, i.title))
