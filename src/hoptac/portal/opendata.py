"""Open data: every published collection as CSV, XLSX and JSON, the published aid projects as
IATI 2.03 XML (through the aid app's exporter, when it exists), and the data dictionary.

Columns are `id`, `url` (the record's portal page) and the collection's public fields, by their
field names; nothing else is ever written."""

from __future__ import annotations

import datetime
import decimal
import importlib
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


def _record_url(collection: Collection, obj) -> str:
    return reverse("portal:record", args=[collection.slug, obj.pk])


def columns(collection: Collection) -> list[str]:
    return ["id", "url", *collection.public_field_names()]


def rows(collection: Collection, request=None):
    """(id, url, public values...) for every published record, values as data."""
    fields = collection.public_fields()
    for obj in collection.published().order_by("pk"):
        url = _record_url(collection, obj)
        if request is not None:
            url = request.build_absolute_uri(url)
        yield [obj.pk, url, *(collection.raw(obj, f) for f in fields)]


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
IATI_CANDIDATES = (
    ("hoptac.aid.iati", ("export_activities", "export_xml", "export", "to_xml", "write_activities")),
    ("hoptac.aid.exporter", ("export_activities", "export_xml", "export")),
    ("hoptac.aid.iati_export", ("export_activities", "export_xml", "export")),
    ("hoptac.aid.services", ("export_iati", "iati_export")),
    ("hoptac.aid.selectors", ("export_iati",)),
)


def iati_exporter():
    """The aid app's IATI exporter (a function taking a project queryset), or None."""
    for module_name, names in IATI_CANDIDATES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in names:
            if callable(getattr(module, name, None)):
                return getattr(module, name)
    return None


def iati_available(collection: Collection | None) -> bool:
    return collection is not None and collection.slug == "projects" and iati_exporter() is not None


def iati_xml(collection: Collection) -> bytes:
    exporter = iati_exporter()
    result = exporter(collection.published().order_by("pk"))
    if isinstance(result, str):
        return result.encode("utf-8")
    if hasattr(result, "getvalue"):
        return result.getvalue()
    if hasattr(result, "tag"):  # an lxml element
        from lxml import etree

        return etree.tostring(result, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return bytes(result)


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
