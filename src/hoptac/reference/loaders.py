"""Load the reference data shipped in reference/data/ into the database.

Every loader is idempotent: it creates what is missing and updates what changed, keyed by a
natural key (ISO code, GSO code, reference key), so `hoptac demo` can run any number of times
and a corrected data file updates the rows on the next run."""

import csv
import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pycountry
from django.db import transaction
from lxml import etree

from hoptac.fields.models import Field, Sector
from hoptac.org.models import Unit
from hoptac.partners.models import Partner, PartnershipLevel, StatedCount
from hoptac.partners.services import partner_search_text
from hoptac.reference.models import Country, Currency

DATA = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> Iterator[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _codelist(name: str) -> Iterator[tuple[str, str, etree._Element]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(str(DATA / "iati-codelists" / f"{name}.xml"), parser)
    for item in tree.iterfind(".//codelist-item"):
        yield item.findtext("code"), item.findtext("name/narrative") or "", item


def _upsert(model, key: dict, values: dict) -> tuple[object, bool]:
    """Create or update; report whether anything changed, so re-runs write nothing."""
    obj = model.objects.filter(**key).first()
    if obj is None:
        return model.objects.create(**key, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj, bool(changed)


def load_countries() -> int:
    vi = (
        {row["iso2"]: row["name_vi"] for row in _rows("countries_vi.csv")}
        if (DATA / "countries_vi.csv").exists()
        else {}
    )
    # The partnership table names countries as Vietnamese sources do ("Russia", "South Korea").
    short_en = {row["country_iso2"]: row["country_en"] for row in _rows("partnership_levels.csv")}
    changed = 0
    for country in pycountry.countries:
        name_en = short_en.get(country.alpha_2) or getattr(country, "common_name", None) or country.name
        _, did = _upsert(
            Country,
            {"iso2": country.alpha_2},
            {
                "iso3": country.alpha_3,
                "numeric": country.numeric,
                "name_en": name_en,
                "name_vi": vi.get(country.alpha_2, name_en),
            },
        )
        changed += did
    return changed


def load_currencies() -> int:
    changed = 0
    for code, name, item in _codelist("Currency"):
        _, did = _upsert(Currency, {"code": code}, {"name_en": name, "withdrawn": item.get("status") == "withdrawn"})
        changed += did
    return changed


def load_sectors() -> int:
    changed = 0
    for code, name, item in _codelist("Sector"):
        _, did = _upsert(
            Sector,
            {"code": code},
            {"name_en": name, "category": item.findtext("category") or "", "active": item.get("status") != "withdrawn"},
        )
        changed += did
    return changed


def load_fields() -> int:
    if not (DATA / "fields.csv").exists():
        return 0
    rows = list(_rows("fields.csv"))
    changed = 0
    by_code = {}
    for row in rows:
        field, did = _upsert(Field, {"code": row["code"]}, {"name_vi": row["name_vi"], "name_en": row["name_en"]})
        by_code[row["code"]] = field
        changed += did
        codes = [c for c in (row.get("dac_codes") or "").split("|") if c]
        if set(field.sectors.values_list("code", flat=True)) != set(codes):
            field.sectors.set(Sector.objects.filter(code__in=codes))
            changed += 1
    for row in rows:
        parent = by_code.get(row.get("parent_code") or "")
        field = by_code[row["code"]]
        if field.parent_id != (parent.pk if parent else None):
            field.parent = parent
            field.save(update_fields=["parent"])
    return changed


def load_provinces() -> int:
    """The 34 provincial units of 1 July 2025, and the former provinces merged into them,
    kept inactive with their successor so that records signed by them stay attached."""
    features = json.loads((DATA / "geo" / "vn-provinces-34.geojson").read_text(encoding="utf-8"))["features"]
    changed = 0
    units = {}
    for feature in features:
        props = feature["properties"]
        former = [name for name in props.get("former", []) if name != props["name_vi"]]
        unit, did = _upsert(
            Unit,
            {"kind": Unit.Kind.PROVINCE, "code": props["code"]},
            {
                "name_vi": props["name_vi"],
                "name_en": props.get("name_en", ""),
                "former_names": former,
                "is_active": True,
            },
        )
        units[props["name_vi"]] = unit
        changed += did
    for row in _rows("geo/merger-2025.csv"):
        successor = units[row["new_unit_vi"]]
        if row["former_province_vi"] in (successor.name_vi, successor.name_vi.removeprefix("Thành phố ")):
            continue
        _, did = _upsert(
            Unit,
            {"kind": Unit.Kind.PROVINCE, "name_vi": row["former_province_vi"], "is_active": False},
            {"successor": successor},
        )
        changed += did
    return changed


def _save_partner(key: str, values: dict) -> tuple[Partner, bool]:
    partner = Partner.objects.filter(reference_key=key).first() or Partner(reference_key=key)
    changed = partner.pk is None
    for name, value in values.items():
        if getattr(partner, name) != value:
            setattr(partner, name, value)
            changed = True
    text = partner_search_text(partner)
    if partner.search_text != text:
        partner.search_text = text
        changed = True
    if changed:
        if partner.pk:
            partner.version += 1
        partner.save()
    return partner, changed


def load_country_partners() -> int:
    changed = 0
    for country in Country.objects.all():
        _, did = _save_partner(
            f"country:{country.iso2}",
            {"kind": Partner.Kind.COUNTRY, "name_vi": country.name_vi, "name_en": country.name_en, "country": country},
        )
        changed += did
    return changed


def load_organisations() -> int:
    if not (DATA / "organisations.csv").exists():
        return 0
    rows = list(_rows("organisations.csv"))
    countries = {c.iso2: c for c in Country.objects.all()}
    changed = 0
    saved = {}
    for row in rows:
        partner, did = _save_partner(
            f"org:{row['key']}",
            {
                "kind": row["kind"],
                "name_vi": row["name_vi"] or row["name_en"],
                "name_en": row["name_en"],
                "acronym": row["acronym"],
                "aliases": [a.strip() for a in row["aliases"].split("|") if a.strip()],
                "country": countries.get(row.get("country_iso2") or ""),
                "website": row.get("website") or "",
            },
        )
        saved[row["key"]] = partner
        changed += did
    for row in rows:
        partner = saved[row["key"]]
        if row.get("parent_key"):
            parent = saved[row["parent_key"]]
        elif row.get("country_iso2"):
            # A national agency or ministry sits under its country (AFD → France).
            parent = Partner.objects.filter(reference_key=f"country:{row['country_iso2']}").first()
        else:
            parent = None
        if partner.parent_id != (parent.pk if parent else None):
            partner.parent = parent
            partner.save(update_fields=["parent"])
            changed += 1
    return changed


def _since(value: str) -> tuple[datetime.date, str]:
    parts = value.split("-")
    if len(parts) == 1:
        return datetime.date(int(parts[0]), 1, 1), PartnershipLevel.Precision.YEAR
    if len(parts) == 2:
        return datetime.date(int(parts[0]), int(parts[1]), 1), PartnershipLevel.Precision.MONTH
    return datetime.date.fromisoformat(value), PartnershipLevel.Precision.DAY


def load_partnership_levels() -> int:
    changed = 0
    for row in _rows("partnership_levels.csv"):
        partner = Partner.objects.get(reference_key=f"country:{row['country_iso2']}")
        since, precision = _since(row["since"])
        _, did = _upsert(
            PartnershipLevel,
            {"partner": partner, "level": row["level"]},
            {"since": since, "since_precision": precision, "source_url": row["source_url"], "note": row["note"]},
        )
        changed += did
    return changed


def load_stated_counts() -> int:
    changed = 0
    for row in _rows("stated_counts.csv"):
        _, did = _upsert(
            StatedCount,
            {
                "subject": row["subject"],
                "as_of": datetime.date.fromisoformat(row["as_of"]),
                "source_title": row["source_title"],
            },
            {"value": int(row["value"]), "source_url": row["source_url"], "quote": row["quote"]},
        )
        changed += did
    return changed


LOADERS = [
    ("countries", load_countries),
    ("currencies", load_currencies),
    ("DAC sectors", load_sectors),
    ("cooperation fields", load_fields),
    ("provinces", load_provinces),
    ("country partners", load_country_partners),
    ("organisations", load_organisations),
    ("partnership levels", load_partnership_levels),
    ("stated counts", load_stated_counts),
]


def load_all(report=None) -> dict[str, int]:
    """Run every loader in one transaction: the reference data lands whole or not at all."""
    results = {}
    with transaction.atomic():
        for name, loader in LOADERS:
            results[name] = loader()
            if report:
                report(name, results[name])
    return results
