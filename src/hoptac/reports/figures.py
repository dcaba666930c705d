"""What the records add up to: one section function per record type.

The dashboard, its CSV downloads and every periodic report are built from these functions and
nothing else, so that the same filter gives the same number everywhere. Each function takes the
acting user (None = everything, for the command line), a `Filters` and `today`, and returns a
`Section`. A record app that has not landed yet gives a section with `available=False`.

Conventions:
- the period is inclusive (`date_from` <= day <= `date_to`);
- "as of" state (in force, overdue...) is taken on `filters.as_of(today)`: the end of the period,
  or today if the period runs past today;
- each filter is applied as the record's own list applies it (its app's selector is called with
  the same arguments), so that a figure equals the total of the list it links to;
- money is Decimal, summed in the database, shown in VND and USD.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils import timezone
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
    colors: list[str] | None = None  # one per dataset; default palette when None
    in_report: bool = True  # False when a section table already holds the same numbers

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
            "",  # no list counts level rows: the table below lists them
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


def _event_params(filters: Filters, **extra) -> dict:
    return _activity_params(filters, field=filters.field.pk if filters.field else "", **extra)


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
        Figure("events", _("Events in the period"), events.count(), link("/events/", **_event_params(filters)))
    )
    by_status = _count_by(events, "status")
    for value, label in Event.Status.choices:
        section.figures.append(
            Figure(
                f"status_{value}",
                str(label),
                by_status.get(value, 0),
                link("/events/", **_event_params(filters, status=value)),
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


EXPIRING_DAYS = 90


def _agreement_args(filters: Filters) -> dict:
    return {
        "partner": filters.partner.pk if filters.partner else None,
        "field": filters.field.pk if filters.field else None,
        "unit": filters.unit.pk if filters.unit else None,
    }


def _agreement_params(filters: Filters, **extra) -> dict:
    params = {
        "partner": filters.partner.pk if filters.partner else "",
        "field": filters.field.pk if filters.field else "",
        "unit": filters.unit.pk if filters.unit else "",
    }
    params.update(extra)
    return params


def agreements_signed(user, filters: Filters) -> QuerySet | None:
    selectors = _selectors("agreements")
    if selectors is None or model("agreements", "Agreement") is None:
        return None
    return _in_period(selectors.agreement_list(user, **_agreement_args(filters)), "signed_on", filters)


def agreements_section(user, filters: Filters, today: datetime.date) -> Section:
    title = _("International agreements")
    signed = agreements_signed(user, filters)
    if signed is None:
        return not_available("agreements", title)
    from hoptac.agreements import selectors

    Agreement = signed.model
    as_of = filters.as_of(today)
    lang = (get_language() or "vi")[:2]
    section = Section("agreements", title)
    year = filters.single_year()
    section.figures.append(
        Figure(
            "signed",
            _("Signed in the period"),
            signed.count(),
            link("/agreements/", **_agreement_params(filters, year=year or "")),
        )
    )
    states = {}
    for state, label in (("in_force", _("In force")), ("expiring", _("Expiring within 90 days"))):
        queryset = selectors.agreement_list(
            user, **_agreement_args(filters), state=state, today=as_of, expiring_days=EXPIRING_DAYS
        )
        states[state] = queryset
        section.figures.append(
            Figure(
                state,
                str(label),
                queryset.count(),
                link("/agreements/", **_agreement_params(filters, state=state, as_of=as_of.isoformat())),
            )
        )
    kinds = dict(Agreement.Kind.choices)
    by_kind = _count_by(signed, "kind")
    section.tables.append(
        Table(
            "signed_by_kind",
            _("Agreements signed by kind"),
            [_("Kind"), _("Agreements")],
            [[str(kinds[k]), by_kind[k]] for k in kinds if by_kind.get(k)],
        )
    )

    def rows(queryset) -> list[list]:
        out = []
        for a in queryset.prefetch_related("parties").order_by("signed_on", "pk"):
            parties = ", ".join(p.acronym or _name(p, lang) for p in a.parties.all())
            out.append([a.signed_on, a.number, a.display_name(lang), str(kinds.get(a.kind, a.kind)), parties,
                        a.valid_until, a.get_status_display()])  # fmt: skip
        return out

    headers = [_("Signed on"), _("Number"), _("Title"), _("Kind"), _("Foreign parties"), _("Valid until"), _("Status")]
    section.tables.append(Table("signed", _("Agreements signed in the period"), headers, rows(signed)))
    section.tables.append(Table("in_force", _("Agreements in force"), headers, rows(states["in_force"])))
    section.tables.append(Table("expiring", _("Agreements expiring within 90 days"), headers, rows(states["expiring"])))
    # Agreements signed per year by kind: the period's years, at least the last five.
    last = filters.date_to.year
    first = min(filters.date_from.year, last - 4)
    years = list(range(first, last + 1))
    per_year = (
        selectors.agreement_list(user, **_agreement_args(filters))
        .filter(signed_on__year__gte=first, signed_on__year__lte=last)
        .order_by()
        .values_list("signed_on__year", "kind")
    )
    counts: dict[tuple[int, str], int] = {}
    for y, kind in per_year:
        counts[(y, kind)] = counts.get((y, kind), 0) + 1
    used = [k for k in kinds if any(counts.get((y, k)) for y in years)]
    section.charts.append(
        Chart(
            "signed_per_year",
            _("Agreements signed per year by kind"),
            [str(y) for y in years],
            [(str(kinds[k]), [counts.get((y, k), 0) for y in years]) for k in used],
            "stacked",
            _("Year"),
        )
    )
    return section


def _partner_country(partner) -> str | None:
    if partner is None:
        return None
    if partner.country_id:
        return partner.country_id
    parent = partner.parent
    return parent.country_id if parent is not None else None


# Aid ------------------------------------------------------------------------------------------


def projects_queryset(user, filters: Filters) -> QuerySet | None:
    """Visible projects matching the unit, partner (donor) and field filters."""
    selectors = _selectors("aid")
    Project = model("aid", "Project")
    if selectors is None or Project is None:
        return None
    from django.db.models import Q

    queryset = visible(user, Project.objects.all())
    if filters.unit:
        queryset = queryset.filter(Q(owner_unit=filters.unit) | Q(implementing_units=filters.unit))
    if filters.partner:  # as the projects list's donor filter: that partner as a funding organisation
        queryset = queryset.filter(organisations__partner_id=filters.partner.pk, organisations__role="1")
    if filters.field:
        queryset = queryset.filter(fields__field=filters.field)
    return Project.objects.filter(pk__in=queryset.values("pk"))


def transactions_in_period(user, filters: Filters) -> QuerySet | None:
    projects = projects_queryset(user, filters)
    if projects is None:
        return None
    Transaction = model("aid", "Transaction")
    return _in_period(Transaction.objects.filter(project__in=projects.values("pk")), "date", filters)


def _donors(project_ids, lang: str) -> dict[int, tuple[str, str | None]]:
    """Each project's first funding organisation: (name, country alpha-2)."""
    ProjectOrganisation = model("aid", "ProjectOrganisation")
    donors: dict[int, tuple[str, str | None]] = {}
    for org in (
        ProjectOrganisation.objects.filter(project_id__in=project_ids, role="1")
        .select_related("partner__parent")
        .order_by("project_id", "position", "pk")
    ):
        if org.project_id in donors:
            continue
        if org.partner is not None:
            name = org.partner.acronym or _name(org.partner, lang)
            donors[org.project_id] = (name, _partner_country(org.partner))
        else:
            donors[org.project_id] = (org.name or "—", None)
    return donors


def _money_rows(rows: dict[str, dict[str, Decimal]]) -> list[list]:
    return [
        [name, v["committed_vnd"], v["committed_usd"], v["disbursed_vnd"], v["disbursed_usd"]]
        for name, v in sorted(rows.items(), key=lambda kv: (-kv[1]["committed_usd"] - kv[1]["disbursed_usd"], kv[0]))
    ]


def aid_section(user, filters: Filters, today: datetime.date) -> Section:
    title = _("Aid committed and disbursed")
    transactions = transactions_in_period(user, filters)
    if transactions is None:
        return not_available("aid", title)
    from hoptac.aid import selectors
    from hoptac.aid.models import COMMITTED_TYPES, DISBURSED_TYPES, Kind, ProjectSector

    lang = (get_language() or "vi")[:2]
    section = Section("aid", title)
    projects = projects_queryset(user, filters)
    totals = selectors.figures(transactions)
    year = filters.single_year()
    params = {
        "year": year or "",
        "donor": filters.partner.pk if filters.partner else "",
        "field": filters.field.pk if filters.field else "",
        "unit": filters.unit.pk if filters.unit else "",
    }
    section.figures.append(
        Figure(
            "projects",
            _("Projects under way in the period"),
            _running(projects, filters).count(),
            link("/projects/", **params),
        )
    )
    for key, label, value, currency in (
        ("committed_vnd", _("Committed (VND)"), totals.committed_vnd, "VND"),
        ("committed_usd", _("Committed (USD)"), totals.committed_usd, "USD"),
        ("disbursed_vnd", _("Disbursed (VND)"), totals.disbursed_vnd, "VND"),
        ("disbursed_usd", _("Disbursed (USD)"), totals.disbursed_usd, "USD"),
    ):
        section.figures.append(Figure(key, str(label), value, link("/projects/", **params), currency))
    money_headers = [_("Committed (VND)"), _("Committed (USD)"), _("Disbursed (VND)"), _("Disbursed (USD)")]

    # One pass over the period's transactions, then split by donor, kind, sector and province.
    rows = list(
        transactions.filter(type_code__in=(*COMMITTED_TYPES, *DISBURSED_TYPES))
        .order_by()
        .values_list("project_id", "type_code", "date", "value_vnd", "value_usd")
    )
    project_ids = {r[0] for r in rows}
    donors = _donors(project_ids, lang)
    kinds_of = dict(model("aid", "Project").objects.filter(pk__in=project_ids).values_list("pk", "kind"))
    zero = Decimal("0")

    def add(table: dict, name: str, type_code: str, vnd, usd, share: Decimal = Decimal(1)):
        entry = table.setdefault(
            name, {"committed_vnd": zero, "committed_usd": zero, "disbursed_vnd": zero, "disbursed_usd": zero}
        )
        prefix = "committed" if type_code in COMMITTED_TYPES else "disbursed"
        entry[f"{prefix}_vnd"] += (vnd or zero) * share
        entry[f"{prefix}_usd"] += (usd or zero) * share

    by_donor: dict = {}
    by_kind: dict = {}
    by_donor_year: dict[tuple[str, int], dict] = {}
    for project_id, type_code, day, vnd, usd in rows:
        donor = donors.get(project_id, ("—", None))[0]
        add(by_donor, donor, type_code, vnd, usd)
        add(by_kind, str(Kind(kinds_of[project_id]).label), type_code, vnd, usd)
        add(by_donor_year, (donor, day.year), type_code, vnd, usd)
    section.tables.append(Table("by_donor", _("Aid by donor"), [_("Donor")] + money_headers, _money_rows(by_donor)))
    section.tables.append(Table("by_kind", _("Aid by kind"), [_("Kind")] + money_headers, _money_rows(by_kind)))

    by_sector: dict = {}
    sectors: dict[int, list[tuple[str, Decimal | None]]] = {}
    for project_id, code, name, pct in ProjectSector.objects.filter(
        project_id__in=project_ids, vocabulary="1"
    ).values_list("project_id", "code", "name", "percentage"):
        sectors.setdefault(project_id, []).append((f"{code} {name}".strip(), pct))
    for project_id, type_code, _day, vnd, usd in rows:
        for name, share in _shares(sectors.get(project_id) or [("—", None)]):
            add(by_sector, name, type_code, vnd, usd, share)
    section.tables.append(
        Table("by_sector", _("Aid by sector (DAC)"), [_("Sector")] + money_headers, _money_rows(_round(by_sector)))
    )
    by_province = province_aid(user, filters, rows=rows)
    section.tables.append(
        Table(
            "by_province",
            _("Aid disbursed by province"),
            [_("Province"), _("Disbursed (VND)"), _("Disbursed (USD)")],
            [[v["name"], v["vnd"], v["usd"]] for v in sorted(by_province.values(), key=lambda v: -v["vnd"])],
        )
    )
    # Chart: aid by donor and year, committed against disbursed (USD).
    donors_sorted = [name for name, _v in sorted(by_donor.items(), key=lambda kv: -kv[1]["committed_usd"])][:15]
    years = sorted({y for (_d, y) in by_donor_year})
    datasets = []
    for y in years:
        for prefix, label in (("committed", _("committed")), ("disbursed", _("disbursed"))):
            values = [by_donor_year.get((d, y), {}).get(f"{prefix}_usd", zero) for d in donors_sorted]
            datasets.append((f"{y} {label} (USD)", [_q(v) for v in values]))
    section.charts.append(
        Chart("by_donor_year", _("Aid by donor and year, committed and disbursed (USD)"), donors_sorted, datasets,
              "bar", _("Donor"))
    )  # fmt: skip
    return section


def _running(projects: QuerySet, filters: Filters) -> QuerySet:
    """Projects running at some time in the period (as the projects list's year filter: a
    missing start or end does not exclude)."""
    from django.db.models import Q

    first, last = filters.date_from, filters.date_to
    started = Q(actual_start__lte=last) | Q(actual_start__isnull=True, planned_start__lte=last)
    started |= Q(actual_start__isnull=True, planned_start__isnull=True)
    not_ended = Q(actual_end__gte=first) | Q(actual_end__isnull=True, planned_end__gte=first)
    not_ended |= Q(actual_end__isnull=True, planned_end__isnull=True)
    return projects.filter(started & not_ended)


def _shares(items: list[tuple[str, Decimal | None]]) -> list[tuple[str, Decimal]]:
    """Split by stated percentages; equal parts when none is stated."""
    stated = [(name, pct) for name, pct in items if pct]
    if stated:
        total = sum(pct for _n, pct in stated)
        return [(name, Decimal(pct) / total) for name, pct in stated]
    return [(name, Decimal(1) / len(items)) for name, _p in items]


def _q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _round(table: dict) -> dict:
    return {k: {f: _q(v) for f, v in fields_.items()} for k, fields_ in table.items()}


# Action-programme tasks -------------------------------------------------------------------------


TASK_STATE_COLORS = {
    "overdue": "#c0392b",
    "due_soon": "#e67e22",
    "on_track": "#2f6db5",
    "no_deadline": "#95a5a6",
    "suspended": "#7b5ea7",
    "completed_late": "#8fbf6a",
    "completed": "#2e8b57",
}


def tasks_list(user, filters: Filters, today: datetime.date, **extra) -> list | None:
    selectors = _selectors("programmes")
    if selectors is None or model("programmes", "Task") is None:
        return None
    return selectors.task_list(
        user,
        today=filters.as_of(today),
        unit=filters.unit.pk if filters.unit else None,
        field=filters.field.pk if filters.field else None,
        **extra,
    )


def _progress_rows(tasks: list, as_of: datetime.date, lang: str) -> list[list]:
    """One row per task: its latest progress report on or before `as_of` (returned ones left out)."""
    from hoptac.programmes.models import ProgressReport
    from hoptac.programmes.selectors import deadline_text

    latest: dict[int, object] = {}
    for report in (
        ProgressReport.objects.filter(
            task__in=[t.pk for t in tasks], kind=ProgressReport.Kind.REPORT, reported_on__lte=as_of
        )
        .exclude(status=ProgressReport.Status.RETURNED)
        .order_by("task_id", "-reported_on", "-pk")
    ):
        latest.setdefault(report.task_id, report)
    rows = []
    for task in tasks:
        report = latest.get(task.pk)
        progress = difficulties = ""
        if report is not None:
            bits = [f"{report.reported_on:%d/%m/%Y}"]
            if report.percent is not None:
                bits.append(f"{report.percent}%")
            if report.milestone:
                bits.append(report.milestone)
            progress = " · ".join(bits) + (f": {report.narrative}" if report.narrative else "")
            difficulties = "\n".join(x for x in (report.difficulties, report.proposals) if x)
        rows.append([task.code, task.title, _name(task.lead_unit, lang), deadline_text(task), task.st.label,
                     progress, difficulties])  # fmt: skip
    return rows


def tasks_section(user, filters: Filters, today: datetime.date) -> Section:
    title = _("Action-programme tasks")
    tasks = tasks_list(user, filters, today)
    if tasks is None:
        return not_available("tasks", title)
    from hoptac.programmes.deadlines import State
    from hoptac.programmes.selectors import STATE_ORDER, status_matrix

    lang = (get_language() or "vi")[:2]
    section = Section("tasks", title)
    params = {"unit": filters.unit.pk if filters.unit else "", "field": filters.field.pk if filters.field else ""}
    section.figures.append(Figure("tasks", _("Tasks"), len(tasks), link("/programmes/tasks/", **params)))
    counts: dict[str, int] = {}
    for task in tasks:
        counts[task.st.code] = counts.get(task.st.code, 0) + 1
    for code in STATE_ORDER:
        section.figures.append(
            Figure(
                code, str(State.LABELS.get(code, code)), counts.get(code, 0),
                link("/programmes/tasks/", state=code, **params),
            )
        )  # fmt: skip
    matrix = status_matrix(tasks)
    labels = [str(State.LABELS.get(code, code)) for code in STATE_ORDER]
    section.tables.append(
        Table(
            "by_unit",
            _("Task status by lead unit"),
            [_("Lead unit")] + labels + [_("Total")],
            [[_name(unit, lang) or "—"] + row + [total] for unit, row, total in matrix],
        )
    )
    overdue = sorted((t for t in tasks if t.st.code == State.OVERDUE), key=lambda t: (-t.st.days_late, t.pk))
    section.tables.append(
        Table(
            "overdue",
            _("Overdue tasks"),
            [_("Code"), _("Task"), _("Lead unit"), _("Deadline"), _("Days late"), _("Expected product")],
            [[t.code, t.title, _name(t.lead_unit, lang), t.st.due, t.st.days_late, t.expected_product]
             for t in overdue],
        )
    )  # fmt: skip
    section.tables.append(
        Table(
            "progress",
            _("Progress by task"),
            [_("Code"), _("Task"), _("Lead unit"), _("Deadline"), _("State"), _("Latest progress"),
             _("Difficulties and proposals")],
            _progress_rows(tasks, filters.as_of(today), lang),
        )
    )  # fmt: skip
    section.charts.append(
        Chart(
            "status_by_unit",
            _("Task status by unit"),
            [_name(unit, lang) or "—" for unit, _row, _t in matrix],
            [(labels[i], [row[i] for _u, row, _t in matrix]) for i in range(len(STATE_ORDER))],
            "stacked",
            _("Lead unit"),
            [TASK_STATE_COLORS.get(code, "#999999") for code in STATE_ORDER],
            in_report=False,  # the "Task status by lead unit" table has the same rows
        )
    )
    return section


# --------------------------------------------------------------------------------------------
# Maps


def country_volume(user, filters: Filters, measure: str, today: datetime.date | None = None) -> dict[str, int]:
    """ISO alpha-2 → how many records of `measure` involve that country: agreements signed in
    the period or in force at its end, projects with transactions in the period (donor's
    country), delegations in the period (countries visited)."""
    counts: dict[str, set[int]] = {}
    if measure == "delegations":
        delegations = delegations_queryset(user, filters)
        if delegations is not None:
            for pk, iso2 in delegations.values_list("pk", "legs__country__iso2"):
                if iso2:
                    counts.setdefault(iso2, set()).add(pk)
    elif measure == "agreements":
        for pk, iso2 in _agreement_countries(user, filters, today):
            counts.setdefault(iso2, set()).add(pk)
    elif measure == "projects":
        for pk, iso2 in _project_countries(user, filters):
            counts.setdefault(iso2, set()).add(pk)
    return {iso2: len(pks) for iso2, pks in sorted(counts.items())}


def _agreement_countries(user, filters: Filters, today: datetime.date | None = None) -> list[tuple[int, str]]:
    """Agreements signed in the period or in force on its last day, by foreign party's country."""
    signed = agreements_signed(user, filters)
    if signed is None:
        return []
    from hoptac.agreements import selectors

    day = filters.as_of(today or timezone.localdate())
    in_force = selectors.agreement_list(user, **_agreement_args(filters), state="in_force", today=day)
    ids = set(signed.values_list("pk", flat=True)) | set(in_force.values_list("pk", flat=True))
    Agreement = signed.model
    out = []
    rows = Agreement.objects.filter(pk__in=ids).order_by()
    for pk, own, parent in rows.values_list("pk", "parties__country_id", "parties__parent__country_id"):
        code = own or parent
        if code:
            out.append((pk, code))
    return out


def _project_countries(user, filters: Filters) -> list[tuple[int, str]]:
    transactions = transactions_in_period(user, filters)
    if transactions is None:
        return []
    ids = set(transactions.values_list("project_id", flat=True))
    ProjectOrganisation = model("aid", "ProjectOrganisation")
    out = []
    for pk, own, parent in ProjectOrganisation.objects.filter(project_id__in=ids, role="1").values_list(
        "project_id", "partner__country_id", "partner__parent__country_id"
    ):
        code = own or parent
        if code:
            out.append((pk, code))
    return out


def province_aid(user, filters: Filters, rows: list | None = None) -> dict[str, dict]:
    """GSO code of each of the 34 provincial units → aid disbursed there in the period
    {"name", "vnd", "usd"}, split by the projects' location percentages (equal parts when none is
    stated); a former province counts for the unit it merged into."""
    if rows is None:
        transactions = transactions_in_period(user, filters)
        if transactions is None:
            return {}
        from hoptac.aid.models import COMMITTED_TYPES, DISBURSED_TYPES

        rows = list(
            transactions.filter(type_code__in=(*COMMITTED_TYPES, *DISBURSED_TYPES))
            .order_by()
            .values_list("project_id", "type_code", "date", "value_vnd", "value_usd")
        )
    from hoptac.aid.models import DISBURSED_TYPES, ProjectLocation

    project_ids = {r[0] for r in rows}
    locations: dict[int, list[tuple[int, Decimal | None]]] = {}
    for project_id, province_id, pct in ProjectLocation.objects.filter(
        project_id__in=project_ids, province__isnull=False
    ).values_list("project_id", "province_id", "percentage"):
        locations.setdefault(project_id, []).append((province_id, pct))
    units = {u.pk: u for u in Unit.objects.filter(kind=Unit.Kind.PROVINCE).select_related("successor")}
    lang = (get_language() or "vi")[:2]
    zero = Decimal("0")
    out: dict[str, dict] = {}
    for project_id, type_code, _day, vnd, usd in rows:
        if type_code not in DISBURSED_TYPES or project_id not in locations:
            continue
        for province_id, share in _shares(locations[project_id]):
            unit = units.get(province_id)
            while unit is not None and unit.successor_id and not unit.is_active:
                unit = units.get(unit.successor_id)
            if unit is None or not unit.code:
                continue
            entry = out.setdefault(unit.code, {"name": unit.display_name(lang), "vnd": zero, "usd": zero})
            entry["vnd"] += (vnd or zero) * share
            entry["usd"] += (usd or zero) * share
    return {code: {**v, "vnd": _q(v["vnd"]), "usd": _q(v["usd"])} for code, v in sorted(out.items())}


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
