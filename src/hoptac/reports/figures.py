"""What the records add up to: one section function per record type.

The dashboard, its CSV downloads and every periodic report are built from these functions and
nothing else, so that the same filter gives the same number everywhere. Each function takes the
acting user (None = everything, for the command line), a `Filters` and `today`, and returns a
`Section`. A record app that has not landed yet gives a section with `available=False`.

Conventions:
- the period is inclusive (`date_from` <= day <= `date_to`);
- "as of" state (in force, overdue...) is taken on `filters.as_of(today)`: the end of the period,
  or today if the period runs past today;
- the unit filter keeps records of that unit and the units below it;
- money is Decimal, summed in the database, shown in VND and USD.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hoptac.org.models import Unit
from hoptac.org.permissions import unit_scope, visible

MAX_MONTHS = 36


def model(app_label: str, name: str) -> type[Model] | None:
    """The model if its app has landed, else None."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _has_field(model_cls: type[Model], name: str) -> bool:
    try:
        model_cls._meta.get_field(name)
    except Exception:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date
    date_to: datetime.date
    unit: Unit | None = None
    partner: Model | None = None  # partners.Partner
    field: Model | None = None  # fields.Field

    @classmethod
    def year(cls, year: int, **kwargs) -> "Filters":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), **kwargs)

    def as_of(self, today: datetime.date) -> datetime.date:
        return min(self.date_to, today)

    def with_unit(self, unit: Unit | None) -> "Filters":
        return Filters(self.date_from, self.date_to, unit, self.partner, self.field)

    def params(self) -> dict[str, str]:
        """The filters as query-string parameters (the dashboard's own names)."""
        out = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        if self.unit:
            out["unit"] = str(self.unit.pk)
        if self.partner:
            out["partner"] = str(self.partner.pk)
        if self.field:
            out["field"] = str(self.field.pk)
        return out

    def querystring(self) -> str:
        return urlencode(self.params())

    def unit_ids(self) -> set[int] | None:
        if not self.unit:
            return None
        return _unit_tree(self.unit)

    def partner_ids(self) -> list[int] | None:
        """The partner and its child organisations (France includes AFD)."""
        if not self.partner:
            return None
        return self.partner.descendants_and_self()

    def single_year(self) -> int | None:
        if (
            self.date_from.year == self.date_to.year
            and (self.date_from.month, self.date_from.day) == (1, 1)
            and (self.date_to.month, self.date_to.day) == (12, 31)
        ):
            return self.date_from.year
        return None


def _unit_tree(unit: Unit) -> set[int]:
    class _Holder:
        unit_id = unit.pk

    return set(unit_scope(_Holder()))


def link(path: str, **params) -> str:
    """A list address with its filter parameters (empty values dropped)."""
    clean = {k: v for k, v in params.items() if v not in (None, "", [])}
    return f"{path}?{urlencode(clean, doseq=True)}" if clean else path


# --------------------------------------------------------------------------------------------
# What a section holds


@dataclass
class Figure:
    key: str
    label: str
    value: int | Decimal
    url: str = ""
    currency: str = ""  # "VND", "USD" for money


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]


@dataclass
class Chart:
    key: str
    title: str
    labels: list[str]
    datasets: list[tuple[str, list]]  # (label, values), one value per label
    kind: str = "bar"  # bar | stacked | line
    label_header: str = ""

    def table(self) -> Table:
        headers = [self.label_header or ""] + [name for name, _ in self.datasets]
        rows = [[label] + [values[i] for _, values in self.datasets] for i, label in enumerate(self.labels)]
        return Table(self.key, self.title, headers, rows)


@dataclass
class Section:
    key: str
    title: str
    available: bool = True
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    note: str = ""

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


def not_available(key: str, title: str) -> Section:
    return Section(key, title, available=False, note=_("Not available yet: this record type has not landed."))


def _visible(user, queryset: QuerySet) -> QuerySet:
    return queryset if user is None else visible(user, queryset)


def _in_period(queryset: QuerySet, lookup: str, filters: Filters) -> QuerySet:
    return queryset.filter(**{f"{lookup}__gte": filters.date_from, f"{lookup}__lte": filters.date_to})


def _months(filters: Filters) -> list[str]:
    months: list[str] = []
    year, month = filters.date_from.year, filters.date_from.month
    while (year, month) <= (filters.date_to.year, filters.date_to.month) and len(months) < MAX_MONTHS:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _name(obj, lang: str | None = None) -> str:
    if obj is None:
        return ""
    lang = lang or (get_language() or "vi")[:2]
    if hasattr(obj, "display_name"):
        return obj.display_name(lang)
    return str(obj)


def _unit_filter(queryset: QuerySet, filters: Filters, lookups: tuple[str, ...]) -> QuerySet:
    ids = filters.unit_ids()
    if ids is None:
        return queryset
    from django.db.models import Q

    q = Q(pk__in=[])
    for lookup in lookups:
        q |= Q(**{f"{lookup}__in": ids})
    return queryset.filter(q).distinct()


def _partner_filter(queryset: QuerySet, filters: Filters, lookups: tuple[str, ...]) -> QuerySet:
    ids = filters.partner_ids()
    if ids is None:
        return queryset
    from django.db.models import Q

    q = Q(pk__in=[])
    for lookup in lookups:
        q |= Q(**{f"{lookup}__in": ids})
    return queryset.filter(q).distinct()


def _field_filter(queryset: QuerySet, filters: Filters, lookup: str | None) -> QuerySet:
    if not filters.field or not lookup:
        return queryset
    return queryset.filter(**{f"{lookup}": filters.field}).distinct()


def _list_params(filters: Filters, **extra) -> dict:
    """Filter parameters every list understands (each ignores what it does not know)."""
    params = {
        "unit": filters.unit.pk if filters.unit else "",
        "partner": filters.partner.pk if filters.partner else "",
        "field": filters.field.pk if filters.field else "",
    }
    params.update(extra)
    return params


# --------------------------------------------------------------------------------------------
# Partners (shared registry: the unit and field filters do not apply)


def partners_section(user, filters: Filters, today: datetime.date) -> Section:
    from hoptac.partners.models import Level, PartnershipLevel
    from hoptac.partners.selectors import stated_counts

    section = Section("partners", _("Partners and partnership levels"))
    as_of = filters.as_of(today)
    from hoptac.partners.models import Partner
    from hoptac.partners.selectors import with_level

    # The registry is shared (every signed-in user sees all of it), so no visibility filter.
    held = with_level(Partner.objects.filter(kind=Partner.Kind.COUNTRY), as_of).values_list("level_at", flat=True)
    counts = {level.value: 0 for level in Level}
    for value in held:
        if value:
            counts[value] += 1
    for level in Level:
        section.figures.append(
            Figure(
                f"level_{level.value}",
                str(level.label),
                counts[level.value],
                link("/partners/", kind="country", level=level.value, as_of=as_of.isoformat()),
            )
        )
    changes = _in_period(PartnershipLevel.objects.select_related("partner"), "since", filters).order_by(
        "since", "partner__name_vi"
    )
    section.figures.append(
        Figure(
            "level_changes",
            _("Partnership levels set in the period"),
            changes.count(),
            link("/partners/", kind="country"),
        )
    )
    section.tables.append(
        Table(
            "level_changes",
            _("Partnership levels set in the period"),
            [_("Date"), _("Country"), _("Level"), _("Source")],
            [[c.since, _name(c.partner), c.get_level_display(), c.source_url] for c in changes],
        )
    )
    stated = stated_counts(as_of)
    if stated:
        group = stated[0]
        labels = {level.value: str(level.label) for level in Level}
        section.tables.append(
            Table(
                "stated_counts",
                _("Totals stated by source"),
                [_("Level"), _("Stated count"), _("Source"), _("As of")],
                [
                    [labels.get(k, k), v, group["source_title"], group["as_of"]]
                    for k, v in group["values"].items()
                    if k in labels
                ],
            )
        )
    return section


# --------------------------------------------------------------------------------------------
# Documents


def documents_section(user, filters: Filters, today: datetime.date) -> Section:
    from hoptac.documents.models import Document
    from hoptac.documents.selectors import document_list

    section = Section("documents", _("Documents received"))
    # The documents list's own selector (owner unit and partner as the list filters them).
    queryset = document_list(
        user,
        owner_unit=filters.unit.pk if filters.unit else None,
        partner=filters.partner.pk if filters.partner else None,
    )
    queryset = _in_period(queryset, "published_on", filters)
    total = queryset.count()
    year = filters.single_year()
    section.figures.append(
        Figure(
            "documents",
            _("Documents dated in the period"),
            total,
            link("/documents/", year=year or "", owner_unit=filters.unit.pk if filters.unit else "",
                 partner=filters.partner.pk if filters.partner else ""),
        )
    )  # fmt: skip
    kinds = dict(Document.Kind.choices)
    by_kind: dict[str, int] = {}
    for kind in queryset.order_by().values_list("kind", flat=True):
        by_kind[kind] = by_kind.get(kind, 0) + 1
    section.tables.append(
        Table(
            "documents_by_kind",
            _("Documents by kind"),
            [_("Kind"), _("Documents")],
            [[str(kinds.get(k, k)), n] for k, n in sorted(by_kind.items())],
        )
    )
    return section


# --------------------------------------------------------------------------------------------
# Events and delegations


def _selectors(app: str):
    """The app's selectors module once it has landed, else None."""
    import importlib

    try:
        return importlib.import_module(f"hoptac.{app}.selectors")
    except ImportError:
        return None


def _activity_args(filters: Filters) -> dict:
    return {
        "unit": filters.unit.pk if filters.unit else None,
        "partner": filters.partner.pk if filters.partner else None,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
    }


def _activity_params(filters: Filters, **extra) -> dict:
    """The same filters as the list pages' query parameters."""
    params = {
        "unit": filters.unit.pk if filters.unit else "",
        "partner": filters.partner.pk if filters.partner else "",
        "date_from": filters.date_from.isoformat(),
        "date_to": filters.date_to.isoformat(),
    }
    params.update(extra)
    return params


def events_queryset(user, filters: Filters, **extra) -> QuerySet | None:
    """Events that take place (at least partly) in the period: the events list's own selector."""
    selectors = _selectors("activities")
    if selectors is None or model("activities", "Event") is None:
        return None
    args = _activity_args(filters)
    if filters.field:
        args["field"] = filters.field.pk
    return selectors.event_list(user, **args, **extra)


def delegations_queryset(user, filters: Filters, **extra) -> QuerySet | None:
    selectors = _selectors("activities")
    if selectors is None or model("activities", "Delegation") is None:
        return None
    return selectors.delegation_list(user, **_activity_args(filters), **extra)


def _count_by(queryset: QuerySet, field_name: str) -> dict[str, int]:
    from django.db.models import Count

    rows = queryset.order_by().values(field_name).annotate(n=Count("pk", distinct=True))
    return {row[field_name]: row["n"] for row in rows}


def events_section(user, filters: Filters, today: datetime.date) -> Section:
    title = _("Events")
    events = events_queryset(user, filters)
    if events is None:
        return not_available("events", title)
    Event = events.model
    section = Section("events", title)
    section.figures.append(
        Figure("events", _("Events in the period"), events.count(), link("/events/", **_activity_params(filters)))
    )
    by_status = _count_by(events, "status")
    for value, label in Event.Status.choices:
        section.figures.append(
            Figure(
                f"status_{value}",
                str(label),
                by_status.get(value, 0),
                link("/events/", **_activity_params(filters, status=value)),
            )
        )
    by_kind = _count_by(events, "kind")
    section.tables.append(
        Table(
            "by_kind",
            _("Events by kind"),
            [_("Kind"), _("Events")],
            [[str(label), by_kind[value]] for value, label in Event.Kind.choices if by_kind.get(value)],
        )
    )
    lang = (get_language() or "vi")[:2]
    rows = []
    for event in events.order_by("start_date", "pk"):
        partners = ", ".join(p.acronym or _name(p, lang) for p in event.co_organisers.all())
        rows.append(
            [event.start_date, event.display_title(lang), event.get_kind_display(),
             event.place_display(), partners, event.get_status_display()]
        )  # fmt: skip
    section.tables.append(
        Table("events", _("Events"), [_("Date"), _("Title"), _("Kind"), _("Place"), _("Partners"), _("Status")], rows)
    )
    # Events and delegations per month of their start (one chart for both record types).
    months = _months(filters)

    def per_month(queryset) -> list[int]:
        counts = dict.fromkeys(months, 0)
        for day in queryset.order_by().values_list("start_date", flat=True):
            key = f"{day:%Y-%m}"
            if key in counts:
                counts[key] += 1
        return [counts[m] for m in months]

    datasets = [(_("Events"), per_month(events.exclude(status=Event.Status.CANCELLED)))]
    delegations = delegations_queryset(user, filters)
    if delegations is not None:
        Delegation = delegations.model
        for direction, label in Delegation.Direction.choices:
            queryset = delegations.filter(direction=direction).exclude(status=Delegation.Status.CANCELLED)
            datasets.append((str(label), per_month(queryset)))
    section.charts.append(
        Chart("per_month", _("Events and delegations per month"), months, datasets, "bar", _("Month"))
    )
    return section


def delegations_section(user, filters: Filters, today: datetime.date) -> Section:
    title = _("Delegations out and in")
    delegations = delegations_queryset(user, filters)
    if delegations is None:
        return not_available("delegations", title)
    Delegation = delegations.model
    section = Section("delegations", title)
    by_direction = _count_by(delegations, "direction")
    for direction, label in Delegation.Direction.choices:
        section.figures.append(
            Figure(
                direction,
                str(label),
                by_direction.get(direction, 0),
                link("/delegations/", **_activity_params(filters, direction=direction)),
            )
        )
    cancelled = delegations.filter(status=Delegation.Status.CANCELLED).count()
    section.figures.append(
        Figure(
            "status_cancelled",
            _("of which cancelled"),
            cancelled,
            link("/delegations/", **_activity_params(filters, status=Delegation.Status.CANCELLED)),
        )
    )
    lang = (get_language() or "vi")[:2]
    out_in: dict[str, dict[str, int]] = {}
    seen: set[tuple[int, str]] = set()
    for pk, direction, iso2, name_vi, name_en in delegations.order_by().values_list(
        "pk", "direction", "legs__country__iso2", "legs__country__name_vi", "legs__country__name_en"
    ):
        if not iso2 or (pk, iso2) in seen:
            continue
        seen.add((pk, iso2))
        row = out_in.setdefault(name_en if lang == "en" else name_vi, {"outgoing": 0, "incoming": 0})
        row[direction] = row.get(direction, 0) + 1
    section.tables.append(
        Table(
            "by_country",
            _("Delegations by country"),
            [_("Country"), _("Outgoing"), _("Incoming")],
            [[name, row["outgoing"], row["incoming"]] for name, row in sorted(out_in.items())],
        )
    )
    rows = []
    for d in delegations.order_by("start_date", "pk"):
        countries = ", ".join(dict.fromkeys(_name_country(leg.country, lang) for leg in d.legs.all()))
        rows.append([d.start_date, d.end_date, d.display_title(lang), d.get_direction_display(), countries,
                     _name(d.owner_unit, lang), d.get_status_display()])  # fmt: skip
    section.tables.append(
        Table(
            "delegations",
            _("Delegations"),
            [_("From"), _("To"), _("Title"), _("Direction"), _("Countries"), _("Unit"), _("Status")],
            rows,
        )
    )
    return section


def _name_country(country, lang: str) -> str:
    return (country.name_en if lang == "en" else country.name_vi) if country else ""


# --------------------------------------------------------------------------------------------
# Agreements, aid and action-programme tasks


def agreements_section(user, filters: Filters, today: datetime.date) -> Section:
    return not_available("agreements", _("International agreements"))


def aid_section(user, filters: Filters, today: datetime.date) -> Section:
    return not_available("aid", _("Aid committed and disbursed"))


def tasks_section(user, filters: Filters, today: datetime.date) -> Section:
    return not_available("tasks", _("Action-programme tasks"))


# --------------------------------------------------------------------------------------------
# Maps


def country_volume(user, filters: Filters, measure: str) -> dict[str, int]:
    """ISO alpha-2 → how many records of `measure` (agreements, projects, delegations) involve
    that country in the period."""
    counts: dict[str, set[int]] = {}
    if measure == "delegations":
        delegations = delegations_queryset(user, filters)
        if delegations is not None:
            for pk, iso2 in delegations.values_list("pk", "legs__country__iso2"):
                if iso2:
                    counts.setdefault(iso2, set()).add(pk)
    elif measure == "agreements":
        for pk, iso2 in _agreement_countries(user, filters):
            counts.setdefault(iso2, set()).add(pk)
    elif measure == "projects":
        for pk, iso2 in _project_countries(user, filters):
            counts.setdefault(iso2, set()).add(pk)
    return {iso2: len(pks) for iso2, pks in sorted(counts.items())}


def _agreement_countries(user, filters: Filters) -> list[tuple[int, str]]:
    return []


def _project_countries(user, filters: Filters) -> list[tuple[int, str]]:
    return []


def province_aid(user, filters: Filters) -> dict[str, dict]:
    """GSO code of each of the 34 provincial units → aid received {"vnd", "usd"} in the period."""
    return {}


MAP_MEASURES = ("agreements", "projects", "delegations")


# --------------------------------------------------------------------------------------------
# All sections


SectionFunction = Callable[[object, Filters, datetime.date], Section]

SECTIONS: dict[str, SectionFunction] = {
    "partners": partners_section,
    "agreements": agreements_section,
    "events": events_section,
    "delegations": delegations_section,
    "aid": aid_section,
    "tasks": tasks_section,
    "documents": documents_section,
}


def system_user():
    """Who the command line reads as: sees every record (never saved)."""
    from hoptac.org.models import User

    return User(username="hoptac-report", role=User.Role.ADMIN, is_superuser=True)


def sections(user, filters: Filters, today: datetime.date, keys: list[str] | None = None) -> dict[str, Section]:
    """The sections named by `keys` (default all); user None reads everything."""
    user = user or system_user()
    return {key: SECTIONS[key](user, filters, today) for key in (keys or list(SECTIONS))}


def flat(sections_: dict[str, Section]) -> dict[str, int | Decimal]:
    """Every figure as "section.key" → value: what tests compare across dashboard and reports."""
    return {f"{s.key}.{f.key}": f.value for s in sections_.values() for f in s.figures}
