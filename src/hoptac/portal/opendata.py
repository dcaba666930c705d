"""Open data: every published collection as CSV, XLSX and JSON, the published aid projects as
IATI 2.03 XML (through the aid app's exporter, when it exists), and the data dictionary.

Columns are `id`, `url` (the record's portal page) and the collection's public fields, by their
field names; nothing else is ever written."""

from __future__ import annotations

import datetime
import decimal
import importlib
import io
import json

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hoptac.portal.collections import Collection, PortalField
from hoptac.web.exports import export_response

LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "id": "CC-BY-4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
FORMATS = ("csv", "xlsx", "json")


def columns(collection: Collection) -> list[str]:
    return ["id", "url", *collection.public_field_names()]


def rows(collection: Collection, request=None):
    """(id, url, public values...) for every published record, values as data."""
    fields = collection.public_fields()
    base = reverse("portal:list", args=[collection.slug])
    if request is not None:
        base = request.build_absolute_uri(base)
    for obj in collection.all_published():
        yield [obj.pk, f"{base}{obj.pk}/", *(collection.raw(obj, f) for f in fields)]


def _csv_cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return value


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")  # exact: amounts are kept to the last đồng
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def table_response(collection: Collection, fmt: str, request) -> HttpResponse:
    headers = columns(collection)
    data = rows(collection, request)
    if fmt == "xlsx":
        return export_response("xlsx", collection.slug, headers, data)
    return export_response("csv", collection.slug, headers, ([_csv_cell(v) for v in row] for row in data))


def json_response(collection: Collection, request) -> HttpResponse:
    headers = columns(collection)
    items = [dict(zip(headers, (_json_value(v) for v in row), strict=True)) for row in rows(collection, request)]
    body = {
        "collection": collection.slug,
        "title": str(collection.title),
        "licence": LICENCE,
        "dictionary": request.build_absolute_uri(reverse("portal:dictionary")) + f"#{collection.slug}",
        "count": len(items),
        "items": items,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{collection.slug}.json"'
    return response


# -- IATI ---------------------------------------------------------------------------------
IATI_EXPORTER = "hoptac.aid.iati_export.export_activities"  # (projects, out) -> (exported, skipped)
# hoptac's extension attributes that carry public fields; any other (the linked agreement's
# number, for one) is taken out of the public file.
IATI_PUBLIC_EXTENSIONS = ("code", "kind", "province", "percentage")


def iati_exporter():
    """The aid app's IATI 2.03 exporter, or None before it exists."""
    module_name, _dot, name = IATI_EXPORTER.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name, None)
    except ImportError:
        return None


def iati_available(collection: Collection | None) -> bool:
    return collection is not None and collection.slug == "projects" and iati_exporter() is not None


def iati_xml(collection: Collection) -> bytes:
    """The published projects as IATI 2.03, through the aid app's exporter, without what
    hoptac does not mark public: free-text transaction descriptions and extension attributes
    other than the public fields."""
    from lxml import etree

    from hoptac.aid.iati import NS, safe_parser

    out = io.BytesIO()
    iati_exporter()(collection.base().order_by("pk"), out)
    tree = etree.fromstring(out.getvalue(), safe_parser())
    for element in tree.iter():
        for attribute in list(element.attrib):
            if attribute.startswith(f"{{{NS}}}") and attribute[len(NS) + 2 :] not in IATI_PUBLIC_EXTENSIONS:
                del element.attrib[attribute]
    for description in tree.findall("iati-activity/transaction/description"):
        description.getparent().remove(description)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


# -- dictionary ---------------------------------------------------------------------------
ID_HELP = _("Number of the record in hoptac; stable.")
URL_HELP = _("Address of the record's page on this portal.")


def dictionary(collection: Collection) -> list[dict]:
    """Each column of the downloads: name, label, meaning, type, allowed codes."""
    entries = [
        {"name": "id", "label": gettext("Identifier"), "meaning": str(ID_HELP), "type": gettext("integer")},
        {"name": "url", "label": gettext("Page"), "meaning": str(URL_HELP), "type": gettext("web address")},
    ]
    for f in collection.public_fields():
        entries.append(
            {
                "name": f.name,
                "label": f.label,
                "meaning": _meaning(f),
                "type": f.type_label(),
                "codes": list(f.choices),
            }
        )
    return entries


def _meaning(f: PortalField) -> str:
    if f.help_text:
        return f"{f.label}. {f.help_text}"
    if f.kind in ("relation", "relations"):
        return gettext("%(label)s, by name in the language of the page.") % {"label": f.label}
    return f.label
