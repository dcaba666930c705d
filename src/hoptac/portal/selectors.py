"""Reads for the portal: search, filters, map figures and the data stamp pages are cached by.
Everything goes through a Collection (collections.py), so only published records and public
fields are ever touched for output."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Max, QuerySet
from django.utils.translation import get_language

from hoptac.portal.collections import (
    Collection,
    PortalField,
    _table_exists,
    active_collections,
    display_name,
)
from hoptac.portal.collections import many as many_of
from hoptac.search.folding import fold_words, search_blob

PAGE_SIZE = 25


@dataclass
class Option:
    value: str
    label: str


@dataclass
class Filter:
    name: str
    label: str
    options: list[Option]
    selected: str = ""


def _published_base(collection: Collection) -> QuerySet:
    return collection.base()


def _options(collection: Collection, f: PortalField, language: str) -> list[Option]:
    base = _published_base(collection)
    if f.derived is not None:
        options = [Option(value, label) for value, label in f.derived.options(base, language)]
        return sorted(options, key=lambda o: fold_words(o.label))
    if f.kind == "choice":
        present = set(base.exclude(**{f.name: ""}).values_list(f.name, flat=True).distinct())
        return [Option(value, label) for value, label in f.choices if value in present]
    if f.kind == "boolean":
        from django.utils.translation import gettext

        return [Option("1", gettext("Yes")), Option("0", gettext("No"))]
    related = f.model_field.related_model
    objects = related._default_manager.filter(pk__in=base.values(f.name))
    options = [Option(str(obj.pk), display_name(obj, language)) for obj in objects]
    return sorted(options, key=lambda o: fold_words(o.label))


def _year_options(collection: Collection) -> list[Option]:
    date_field = collection.date_field()
    if date_field is None:
        return []
    years = _published_base(collection).dates(date_field.name, "year", order="DESC")
    return [Option(str(d.year), str(d.year)) for d in years]


def filters_for(collection: Collection, params, language: str) -> list[Filter]:
    """The filters a collection offers, each with the value chosen in `params` (if valid)."""
    result = []
    for f in collection.filter_fields():
        options = _options(collection, f, language)
        chosen = params.get(f.name, "")
        result.append(Filter(f.name, f.label, options, chosen if chosen in {o.value for o in options} else ""))
    years = _year_options(collection)
    if years:
        from django.utils.translation import gettext

        chosen = params.get("year", "")
        # a year without records finds none; isdigit() alone admits "²", which int() refuses
        valid = chosen.isascii() and chosen.isdigit() and 1900 <= int(chosen) <= 2200
        if valid and chosen not in {o.value for o in years}:
            years.append(Option(chosen, chosen))
        result.append(Filter("year", gettext("Year"), years, chosen if valid else ""))
    return result


def record_blob(collection: Collection, obj, fields: list[PortalField] | None = None) -> str:
    """Folded text of the record's public values in both languages, for search."""
    parts: list[str] = []
    for f in collection.public_fields() if fields is None else fields:
        if f.kind in ("date", "number", "money", "boolean"):
            continue
        if f.derived is not None:
            parts.append(collection.shown(obj, f, "vi"))
            if f.kind == "relations":
                parts.append(collection.shown(obj, f, "en"))
            continue
        value = getattr(obj, f.name)
        if f.kind in ("country", "relation"):
            if value is not None:
                parts += [display_name(value, "vi"), display_name(value, "en"), getattr(value, "acronym", "")]
        elif f.kind in ("countries", "relations"):
            for v in many_of(obj, f.name):
                parts += [display_name(v, "vi"), display_name(v, "en"), getattr(v, "acronym", "")]
        elif f.kind == "choice":
            parts += [str(value), collection.shown(obj, f, "vi")]
        elif f.kind == "computed":
            parts.append(collection.shown(obj, f, "vi"))
        else:
            parts.append(str(value or ""))
    return search_blob(*parts)


def search_blobs(collection: Collection) -> dict[int, str]:
    """{pk: folded public text} of the published records, cached until the data changes."""
    key = f"portal:blobs:{collection.slug}:{get_language()}:{data_stamp()}"
    blobs = cache.get(key)
    if blobs is None:
        fields = collection.public_fields()
        blobs = {obj.pk: record_blob(collection, obj, fields) for obj in collection.all_published()}
        cache.set(key, blobs, 3600)
    return blobs


def matches(blob: str, query: str) -> bool:
    """Every folded word of the query starts a word of the record: "hop tac" finds "hợp tác"."""
    return all(f" {word}" in blob for word in fold_words(query))


def records(collection: Collection, params, language: str) -> tuple[QuerySet, list[Filter], str]:
    """The published records matching the search `q` and the chosen filters, in order."""
    queryset = collection.published()
    chosen = filters_for(collection, params, language)
    many = False
    for flt in chosen:
        if not flt.selected:
            continue
        if flt.name == "year":
            queryset = queryset.filter(**{f"{collection.date_field().name}__year": int(flt.selected)})
            continue
        f = collection.field(flt.name)
        if f.derived is not None:
            queryset = f.derived.apply(queryset, flt.selected)
            many = True
        elif f.kind == "boolean":
            queryset = queryset.filter(**{f.name: flt.selected == "1"})
        elif f.kind == "choice":
            queryset = queryset.filter(**{f.name: flt.selected})
        else:
            queryset = queryset.filter(**{f"{f.name}__pk": flt.selected})
            many = many or f.is_many
    if many:
        queryset = queryset.distinct()
    date_field = collection.date_field()
    if date_field is not None:
        queryset = queryset.order_by(f"-{date_field.name}", "-pk")
    query = (params.get("q") or "").strip()[:200]
    if query and fold_words(query):
        ids = [pk for pk, blob in search_blobs(collection).items() if matches(blob, query)]
        queryset = queryset.filter(pk__in=ids)
    return queryset, chosen, query


def get_record(collection: Collection, pk: int):
    """One published record, or None (unpublished, held back or missing: all look the same)."""
    return collection.published().filter(pk=pk).first()


# -- maps -------------------------------------------------------------------------------
def _lookup_ok(collection: Collection, lookup: str) -> bool:
    """A map lookup must start at a public field and exist on the model."""
    parts = lookup.split("__")
    if parts[0] not in collection.public_roots():
        return False
    model = collection.model()
    for i, part in enumerate(parts):
        try:
            f = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if i < len(parts) - 1:
            if not f.is_relation:
                return False
            model = f.related_model
    return True


def _counts_by(lookups_of) -> dict[str, dict[str, int]]:
    """{key: {collection slug: number of distinct published records}} over every collection."""
    figures: dict[str, dict[str, int]] = defaultdict(dict)
    for collection in active_collections():
        seen: dict[str, set] = defaultdict(set)
        for lookup in lookups_of(collection):
            if not _lookup_ok(collection, lookup):
                continue
            for pk, key in _published_base(collection).values_list("pk", lookup):
                if key:
                    seen[key].add(pk)
        for key, pks in seen.items():
            figures[key][collection.slug] = len(pks)
    return figures


HOME_COUNTRY = "VN"


def world_figures() -> dict[str, dict[str, int]]:
    """Published records per partner country (ISO alpha-2), per collection. Viet Nam itself
    (the venue of most events) is the home side, not a partner country."""
    figures = _counts_by(lambda c: c.country_lookups)
    figures.pop(HOME_COUNTRY, None)
    return figures


def province_figures() -> dict[str, dict[str, int]]:
    """Published records per provincial unit (GSO code), per collection."""
    return _counts_by(lambda c: c.province_lookups)


def map_collections(kind: str) -> list[Collection]:
    attr = "country_lookups" if kind == "world" else "province_lookups"
    return [c for c in active_collections() if any(_lookup_ok(c, lk) for lk in getattr(c, attr))]


# -- cache stamp --------------------------------------------------------------------------
STAMP_MODELS = (
    "partners.Partner",
    "org.Unit",
    "fields.Field",
    "aid.Transaction",
    "aid.ProjectOrganisation",
    "aid.ProjectSector",
    "aid.ProjectField",
    "aid.ProjectLocation",
)


def data_stamp() -> str:
    """Changes whenever any record the portal may show changes (count or last update)."""
    labels = [c.model_label for c in active_collections()] + list(STAMP_MODELS)
    parts = []
    for label in dict.fromkeys(labels):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if not _table_exists(model):
            continue
        names = {f.name for f in model._meta.get_fields()}
        aggregates = {"n": Count("pk")}
        if "updated_at" in names:
            aggregates["last"] = Max("updated_at")
        if "version" in names:
            aggregates["versions"] = Max("version")
        row = model._default_manager.aggregate(**aggregates)
        parts.append(f"{label}:{row.get('n')}:{row.get('last')}:{row.get('versions')}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]
