"""What the public portal shows: a small registry of collections over the record apps.

A collection is one model's published records and the fields of it that are safe for the
public. It is active only when its model exists (apps land one by one) and, for records that
can be published, only when the model has an `is_published` flag. The fields come from the
model's own `portal_fields` (the record app decides what is public); a collection may narrow
them but never widen them, and names that look internal are dropped whatever anyone declares.
Every page, download and map of the portal reads records and values only through here.
"""

from __future__ import annotations

import datetime
import decimal
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Never public, whatever a model's portal_fields says (defence in depth: internal notes,
# contacts, drafts and approval comments stay inside).
INTERNAL_NAMES = frozenset(
    {
        "notes",
        "internal_notes",
        "search_text",
        "created_by",
        "owner_unit",
        "contacts",
        "is_published",
        "version",
        "history",
        "reference_key",
        "draft",
        "drafts",
        "approver",
        "approval_comment",
        "approval_comments",
    }
)
INTERNAL_PARTS = ("note", "comment", "contact", "email", "phone", "password", "token", "draft", "search_text")


def is_internal(name: str) -> bool:
    lowered = name.lower()
    return lowered in INTERNAL_NAMES or any(part in lowered for part in INTERNAL_PARTS)


@dataclass(frozen=True)
class PortalField:
    """One public field of a collection: how to read it, show it and describe it."""

    name: str
    label: str
    help_text: str
    kind: str  # text, choice, date, number, money, boolean, country, countries, relation, relations, computed
    model_field: models.Field | None = None
    choices: tuple[tuple[str, str], ...] = ()
    derived: Derived | None = None

    @property
    def is_filter(self) -> bool:
        if self.derived is not None:
            return self.derived.options is not None and self.derived.apply is not None
        return self.kind in ("choice", "boolean", "country", "countries", "relation", "relations")

    @property
    def is_many(self) -> bool:
        return self.kind in ("countries", "relations")

    @property
    def is_text(self) -> bool:
        return self.kind in ("text", "choice", "country", "countries", "relation", "relations", "computed")

    def type_label(self) -> str:
        return str(TYPE_LABELS.get(self.kind, self.kind))


TYPE_LABELS: dict[str, Promise] = {
    "text": _("text"),
    "choice": _("code (see the list of values)"),
    "date": _("date (YYYY-MM-DD)"),
    "number": _("number"),
    "money": _("amount (decimal)"),
    "boolean": _("true or false"),
    "country": _("country (ISO 3166-1 alpha-2 code)"),
    "countries": _("list of countries (ISO 3166-1 alpha-2 codes)"),
    "relation": _("name"),
    "relations": _("list of names"),
    "computed": _("value computed from the record"),
    "id": _("integer"),
    "url": _("web address"),
}


@dataclass(frozen=True)
class Derived:
    """A public value the portal computes from public facts of a record, declared here and
    nowhere else (a project's donors from its funding organisations, its committed amount
    from its transactions). `get(obj, language)` returns a value, or a list of names."""

    name: str
    label: Promise
    kind: str  # money, relations, text
    help_text: Promise
    get: Callable
    prefetch: tuple[str, ...] = ()
    # Relations this value makes public (map lookups may start from them).
    roots: tuple[str, ...] = ()
    # As a filter: options(published queryset, language) -> [(value, label)], apply(queryset, value).
    options: Callable | None = None
    apply: Callable | None = None
    # A dotted path that must import for the value to exist (the app's own figures).
    needs: str = ""
    # A dotted path to the TextChoices the value is a code of (shown by its label).
    codes: str = ""

    def available(self) -> bool:
        return all(_importable(path) is not None for path in (self.needs, self.codes) if path)

    def choices(self) -> tuple[tuple[str, str], ...]:
        return tuple((str(k), str(v)) for k, v in _importable(self.codes).choices) if self.codes else ()

    def describe(self) -> PortalField:
        label = capfirst(str(self.label))
        return PortalField(self.name, label, str(self.help_text), self.kind, choices=self.choices(), derived=self)


@dataclass(frozen=True)
class Collection:
    slug: str
    model_label: str
    title: Promise
    description: Promise
    # Fields wanted on the portal; empty means all of the model's portal_fields.
    fields: tuple[str, ...] = ()
    # (Vietnamese, English) title fields, used when public.
    title_fields: tuple[str, str] = ("title_vi", "title_en")
    # Extra condition on top of is_published (e.g. only events that were held).
    where: dict = field(default_factory=dict)
    # Records without a publication flag are public as a whole (the partner registry).
    needs_published_flag: bool = True
    # Lookups from the model to reference.Country (iso2) for the world map,
    # and to org.Unit (provinces, by code) for the province map.
    country_lookups: tuple[str, ...] = ()
    province_lookups: tuple[str, ...] = ()
    # Values computed by the portal from public facts (see Derived).
    derived: tuple[Derived, ...] = ()
    # A dotted path to a function annotating the queryset (e.g. the aid app's figures).
    annotate: str = ""
    # Which public fields are filters and list columns (empty: chosen by kind).
    filter_names: tuple[str, ...] = ()
    list_names: tuple[str, ...] = ()
    list_size: int = 5

    # -- model -------------------------------------------------------------------------
    def model(self) -> type[models.Model] | None:
        try:
            model = apps.get_model(self.model_label)
        except (LookupError, ValueError):
            return None
        if self.needs_published_flag and not _has_field(model, "is_published"):
            return None
        if not _table_exists(model):
            return None
        return model

    @property
    def active(self) -> bool:
        return self.model() is not None

    def base(self) -> models.QuerySet:
        """The records the public may see: published, and matching `where` (no joins)."""
        model = self.model()
        if model is None:
            raise LookupError(self.model_label)
        queryset = model._default_manager.all()
        if self.needs_published_flag:
            queryset = queryset.filter(is_published=True)
        if self.where:
            queryset = queryset.filter(**self.where)
        return queryset

    def published(self, *, prefetch_many: bool = True) -> models.QuerySet:
        """The published records with what their public fields need loaded."""
        queryset = self.base()
        fields = self.public_fields()
        related = [f.name for f in fields if f.derived is None and f.kind in ("country", "relation")]
        many = [f.name for f in fields if f.derived is None and f.is_many] if prefetch_many else []
        many += [lookup for f in fields if f.derived is not None for lookup in f.derived.prefetch]
        queryset = queryset.select_related(*related).prefetch_related(*dict.fromkeys(many))
        annotate = _importable(self.annotate) if self.annotate else None
        return annotate(queryset) if annotate else queryset

    def all_published(self) -> list:
        """Every published record, to-many public fields loaded in two queries each rather
        than through prefetch_related (downloads and the search index read them all)."""
        objects = list(self.published(prefetch_many=False).order_by("pk"))
        for f in self.public_fields():
            if f.derived is not None or not f.is_many:
                continue
            pairs = [(pk, rid) for pk, rid in self.base().values_list("pk", f.name) if rid is not None]
            related = f.model_field.related_model._default_manager.in_bulk({rid for _pk, rid in pairs})
            by_record: dict = {}
            for pk, rid in sorted(pairs):
                by_record.setdefault(pk, []).append(related[rid])
            for obj in objects:
                obj.__dict__.setdefault("_portal_many", {})[f.name] = by_record.get(obj.pk, [])
        return objects

    def available_derived(self) -> list[Derived]:
        return [d for d in self.derived if d.available()]

    # -- fields ------------------------------------------------------------------------
    def _memo_key(self, model, *extra) -> tuple:
        declared = getattr(model, "portal_fields", None)
        return (self.slug, model, declared if declared is None else tuple(declared), *extra)

    def public_field_names(self) -> list[str]:
        model = self.model()
        if model is None:
            return []
        key = self._memo_key(model, "names")
        if key not in _MEMO:
            _MEMO[key] = self._public_field_names(model)
        return list(_MEMO[key])

    def _public_field_names(self, model) -> list[str]:
        declared = getattr(model, "portal_fields", None)
        if declared is None and self.needs_published_flag:
            return []  # a publishable record that declares nothing shows nothing
        wanted = list(self.fields or declared or ())
        if declared is not None:
            wanted = [name for name in wanted if name in declared]
        derived = [d.name for d in self.available_derived()]
        names = []
        for name in wanted:
            if is_internal(name) or name in names or name in derived:
                continue
            if _has_field(model, name) or _is_computed(model, name):
                names.append(name)
        return names + derived

    def public_fields(self) -> list[PortalField]:
        """Described in the current language (labels), memoised per model and language."""
        model = self.model()
        if model is None:
            return []
        key = self._memo_key(model, "fields", _language())
        if key not in _MEMO:
            derived = {d.name: d for d in self.available_derived()}
            _MEMO[key] = [
                derived[name].describe() if name in derived else _describe(model, name)
                for name in self.public_field_names()
            ]
        return list(_MEMO[key])

    def public_roots(self) -> set[str]:
        """Public fields and the relations derived values are public through."""
        return set(self.public_field_names()) | {r for d in self.available_derived() for r in d.roots}

    def field(self, name: str) -> PortalField | None:
        return next((f for f in self.public_fields() if f.name == name), None)

    def date_field(self) -> PortalField | None:
        return next((f for f in self.public_fields() if f.kind == "date"), None)

    def filter_fields(self) -> list[PortalField]:
        fields = [f for f in self.public_fields() if f.is_filter and f.name not in self.title_fields]
        if self.filter_names:
            by_name = {f.name: f for f in fields}
            return [by_name[n] for n in self.filter_names if n in by_name]
        return fields[:6]

    def list_fields(self) -> list[PortalField]:
        fields = [f for f in self.public_fields() if f.name not in self.title_fields]
        if self.list_names:
            by_name = {f.name: f for f in fields}
            return [by_name[n] for n in self.list_names if n in by_name]
        return [f for f in fields if f.kind != "text"][: self.list_size]

    # -- values ------------------------------------------------------------------------
    def record_title(self, obj, language: str) -> str:
        public = self.public_field_names()
        vi, en = self.title_fields
        order = (en, vi) if language == "en" else (vi, en)
        for name in order:
            if name in public and getattr(obj, name, ""):
                return str(getattr(obj, name))
        for f in self.public_fields():
            if f.kind == "text" and getattr(obj, f.name, ""):
                return str(getattr(obj, f.name))[:200]
        return f"#{obj.pk}"

    def raw(self, obj, f: PortalField):
        """The value as data: codes for choices and countries, names for other relations,
        Decimal for money, dates as dates. Lists for many-valued fields."""
        if f.derived is not None:
            return f.derived.get(obj, _language())
        value = getattr(obj, f.name)
        if f.kind == "computed":
            value = value() if callable(value) else value
            return _plain(value)
        if f.kind == "country":
            return value.pk if value is not None else None
        if f.kind == "countries":
            return [c.pk for c in many(obj, f.name)]
        if f.kind == "relation":
            return display_name(value, _language()) if value is not None else None
        if f.kind == "relations":
            language = _language()
            return [display_name(v, language) for v in many(obj, f.name)]
        return value

    def shown(self, obj, f: PortalField, language: str) -> str:
        """The value as a reader sees it on a page."""
        if f.derived is not None:
            value = f.derived.get(obj, language)
            return str(dict(f.choices).get(value, value or "")) if f.choices else _show_plain(value)
        if f.kind == "date" and callable(getattr(obj, f"{f.name}_display", None)):
            return str(getattr(obj, f"{f.name}_display")())  # kept to the precision known
        value = getattr(obj, f.name)
        if f.kind == "computed":
            value = value() if callable(value) else value
            return _show_plain(_plain(value))
        if f.kind == "choice":
            return str(dict(f.choices).get(value, value or ""))
        if f.kind in ("country", "relation"):
            return display_name(value, language) if value is not None else ""
        if f.kind in ("countries", "relations"):
            return ", ".join(display_name(v, language) for v in many(obj, f.name))
        if f.kind == "boolean":
            return gettext("Yes") if value else gettext("No")
        return _show_plain(value)


# Described fields per (collection, model, its portal_fields, language): describing them is
# the costly part of a page, and they change only with the code.
_MEMO: dict[tuple, list] = {}


def many(obj, name: str) -> list:
    """A to-many relation's records, from the prefetch when there is one (no query clone)."""
    loaded = obj.__dict__.get("_portal_many", {})
    if name in loaded:
        return loaded[name]
    cached = getattr(obj, "_prefetched_objects_cache", {})
    if name in cached:
        return list(cached[name])
    return list(getattr(obj, name).all())


def _language() -> str:
    from django.utils.translation import get_language

    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _plain(value):
    if isinstance(value, models.Model):
        return display_name(value, _language())
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def _show_plain(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, decimal.Decimal):
        places = 0 if value == value.to_integral_value() else 2
        return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, (list, tuple)):
        return ", ".join(_show_plain(v) for v in value)
    return str(value)


def _importable(path: str):
    module_name, _dot, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name, None)
    except ImportError:
        return None


def display_name(obj, language: str) -> str:
    """A related record's public name in the reader's language, nothing else of it."""
    if hasattr(obj, "display_name"):
        try:
            return str(obj.display_name(language))
        except TypeError:
            return str(obj.display_name())
    for vi, en in (("name_vi", "name_en"), ("title_vi", "title_en")):
        if hasattr(obj, vi):
            first, second = (en, vi) if language == "en" else (vi, en)
            return str(getattr(obj, first, "") or getattr(obj, second, "") or "")
    if hasattr(obj, "name_en"):
        return str(obj.name_en)
    return str(obj)


_TABLES_SEEN: set[str] = set()


def _table_exists(model) -> bool:
    """A model whose migration has not run yet (an app landing) is not a collection yet."""
    table = model._meta.db_table
    if table in _TABLES_SEEN:
        return True
    from django.db import connection

    if table in connection.introspection.table_names():
        _TABLES_SEEN.add(table)
        return True
    return False


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True


def _is_computed(model, name: str) -> bool:
    attr = getattr(model, name, None)
    return attr is not None and (isinstance(attr, property) or callable(attr)) and not name.startswith("_")


MONEY_HINTS = ("amount", "committed", "disbursed", "budget", "cost", "value", "vnd", "usd")


def _describe(model, name: str) -> PortalField:
    labels = getattr(model, "portal_field_labels", {}) or {}
    helps = getattr(model, "portal_field_help", {}) or {}
    if not _has_field(model, name):
        label = labels.get(name) or capfirst(name.replace("_", " "))
        return PortalField(name, str(label), str(helps.get(name, "")), "computed")
    f = model._meta.get_field(name)
    label = str(labels.get(name) or capfirst(getattr(f, "verbose_name", name)))
    help_text = str(helps.get(name) or getattr(f, "help_text", "") or "")
    related = getattr(f, "related_model", None)
    if f.many_to_many or f.one_to_many:
        kind = "countries" if related and related._meta.label == "reference.Country" else "relations"
        return PortalField(name, label, help_text, kind, f)
    if f.is_relation:
        kind = "country" if related and related._meta.label == "reference.Country" else "relation"
        return PortalField(name, label, help_text, kind, f)
    if getattr(f, "choices", None):
        choices = tuple((str(k), str(v)) for k, v in f.flatchoices)
        return PortalField(name, label, help_text, "choice", f, choices)
    if isinstance(f, models.BooleanField):
        return PortalField(name, label, help_text, "boolean", f)
    if isinstance(f, models.DateField):
        return PortalField(name, label, help_text, "date", f)
    if isinstance(f, models.DecimalField):
        kind = "money" if any(h in name for h in MONEY_HINTS) else "number"
        return PortalField(name, label, help_text, kind, f)
    if isinstance(f, (models.IntegerField, models.FloatField)):
        return PortalField(name, label, help_text, "number", f)
    return PortalField(name, label, help_text, "text", f)


# -- values the portal computes for aid projects ------------------------------------------
FUNDING = "1"  # IATI OrganisationRole: funding


def _donors(obj, language: str) -> list[str]:
    return [
        display_name(o.partner, language) if o.partner_id else (o.name or o.ref)
        for o in many(obj, "organisations")
        if o.role == FUNDING
    ]


def _donor_options(published, language: str) -> list[tuple[str, str]]:
    partner = apps.get_model("partners.Partner")
    rows = partner.objects.filter(aid_roles__role=FUNDING, aid_roles__project__in=published.values("pk")).distinct()
    return [(str(p.pk), display_name(p, language)) for p in rows]


def _sector_name(code: str, name: str) -> str:
    if name:
        return f"{code} {name}"
    sector = apps.get_model("fields.Sector").objects.filter(code=code).first()
    return f"{code} {sector.name_en}" if sector else code


def _sectors(obj, language: str) -> list[str]:
    return [_sector_name(s.code, s.name) for s in many(obj, "sectors")]


def _sector_options(published, language: str) -> list[tuple[str, str]]:
    sector = apps.get_model("aid.ProjectSector")
    rows = sector.objects.filter(project__in=published.values("pk")).values_list("code", "name").distinct()
    seen: dict[str, str] = {}
    for code, name in rows.order_by("code"):
        seen.setdefault(code, _sector_name(code, name))
    return list(seen.items())


def _project_fields(obj, language: str) -> list[str]:
    return [display_name(pf.field, language) for pf in many(obj, "fields")]


def _project_field_options(published, language: str) -> list[tuple[str, str]]:
    field_model = apps.get_model("fields.Field")
    rows = field_model.objects.filter(pk__in=published.values("fields__field"))
    return [(str(f.pk), display_name(f, language)) for f in rows]


def _provinces(obj, language: str) -> list[str]:
    return [display_name(loc.province, language) if loc.province_id else loc.name for loc in many(obj, "locations")]


def _province_options(published, language: str) -> list[tuple[str, str]]:
    unit = apps.get_model("org.Unit")
    rows = unit.objects.filter(pk__in=published.values("locations__province"))
    return [(str(u.pk), display_name(u, language)) for u in rows]


def _annotated(name: str) -> Callable:
    return lambda obj, language: getattr(obj, name, None)


FIGURES = "hoptac.aid.selectors.with_figures"
PROJECT_DERIVED = (
    Derived(
        "donors",
        _("donors"),
        "relations",
        _("Organisations funding the project."),
        _donors,
        prefetch=("organisations__partner",),
        roots=("organisations",),
        options=_donor_options,
        apply=lambda qs, v: qs.filter(organisations__role=FUNDING, organisations__partner_id=v),
    ),
    Derived(
        "sectors",
        _("sectors"),
        "relations",
        _("OECD-DAC sector codes and names."),
        _sectors,
        prefetch=("sectors",),
        options=_sector_options,
        apply=lambda qs, v: qs.filter(sectors__code=v),
    ),
    Derived(
        "fields",
        _("fields"),
        "relations",
        _("Cooperation fields of the project."),
        _project_fields,
        prefetch=("fields__field",),
        options=_project_field_options,
        apply=lambda qs, v: qs.filter(fields__field_id=v),
    ),
    Derived(
        "provinces",
        _("provinces"),
        "relations",
        _("Provincial units where the project works."),
        _provinces,
        prefetch=("locations__province",),
        roots=("locations",),
        options=_province_options,
        apply=lambda qs, v: qs.filter(locations__province_id=v),
    ),
    Derived(
        "committed_vnd",
        _("committed (VND)"),
        "money",
        _("Sum of the commitments, in đồng at the rate of each transaction's month."),
        _annotated("committed_vnd"),
        needs=FIGURES,
    ),
    Derived(
        "committed_usd",
        _("committed (USD)"),
        "money",
        _("Sum of the commitments, in US dollars at the rate of each transaction's month."),
        _annotated("committed_usd"),
        needs=FIGURES,
    ),
    Derived(
        "disbursed_vnd",
        _("disbursed (VND)"),
        "money",
        _("Sum of the disbursements and expenditure, in đồng."),
        _annotated("disbursed_vnd"),
        needs=FIGURES,
    ),
    Derived(
        "disbursed_usd",
        _("disbursed (USD)"),
        "money",
        _("Sum of the disbursements and expenditure, in US dollars."),
        _annotated("disbursed_usd"),
        needs=FIGURES,
    ),
)


def _agreement_state(obj, language: str) -> str:
    from django.utils import timezone

    return obj.state_on(timezone.localdate())


AGREEMENT_DERIVED = (
    Derived(
        "state",
        _("state today"),
        "choice",
        _("Whether the agreement is in force today, from its status and dates (never stored)."),
        _agreement_state,
        codes="hoptac.agreements.models.State",
    ),
)

# The registry. Order = order on the portal. Names a record app has not declared public
# (its portal_fields) simply do not appear.
COLLECTIONS: tuple[Collection, ...] = (
    Collection(
        slug="agreements",
        model_label="agreements.Agreement",
        title=_("Agreements"),
        description=_("International agreements and treaties signed, with their parties, dates, status and text."),
        derived=AGREEMENT_DERIVED,
        filter_names=("kind", "status", "level", "parties", "fields", "signed_at_country"),
        list_names=("kind", "parties", "signed_on", "valid_until", "state"),
        country_lookups=("parties__country",),
        province_lookups=("vietnamese_parties__code",),
    ),
    Collection(
        slug="projects",
        model_label="aid.Project",
        title=_("Aid projects"),
        description=_("Aid programmes and projects received: donor, sector, province, amounts committed and spent."),
        derived=PROJECT_DERIVED,
        annotate=FIGURES,
        filter_names=("kind", "status", "donors", "sectors", "provinces", "fields"),
        list_names=("donors", "kind", "status", "committed_usd", "disbursed_usd"),
        country_lookups=("organisations__partner__country",),
        province_lookups=("locations__province__code",),
    ),
    Collection(
        slug="events",
        model_label="activities.Event",
        title=_("Events held"),
        description=_("Conferences, workshops, policy dialogues and other events that were held."),
        where={"status__in": ("held", "reported")},
        filter_names=("kind", "country", "co_organisers", "fields"),
        list_names=("kind", "start_date", "city", "country", "co_organisers"),
        country_lookups=("country", "co_organisers__country"),
    ),
    Collection(
        slug="partners",
        model_label="partners.Partner",
        title=_("Partners"),
        description=_("The registry of international partners: countries, organisations, agencies."),
        fields=("name_vi", "name_en", "acronym", "kind", "country"),
        title_fields=("name_vi", "name_en"),
        needs_published_flag=False,
        filter_names=("kind", "country"),
        list_names=("acronym", "kind", "country"),
    ),
)

RESERVED_SLUGS = frozenset({"data", "maps", "geo", "language", "about"})


def active_collections() -> list[Collection]:
    return [c for c in COLLECTIONS if c.active]


def get_collection(slug: str) -> Collection | None:
    return next((c for c in COLLECTIONS if c.slug == slug and c.active), None)
