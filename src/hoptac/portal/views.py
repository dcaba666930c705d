"""The public portal: no login, published records only, public fields only, cacheable."""

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from hoptac.portal import opendata
from hoptac.portal.caching import public_page
from hoptac.portal.collections import active_collections, get_collection
from hoptac.portal.selectors import (
    PAGE_SIZE,
    get_record,
    map_collections,
    province_figures,
    records,
    world_figures,
)

GEO_DIR = Path(__file__).resolve().parent.parent / "reference" / "data" / "geo"
GEO_FILES = {"world": "world.topojson", "vn-provinces": "vn-provinces-34.geojson"}


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "vi"


def _render(request, template: str, context: dict):
    return render(request, template, {"portal_collections": active_collections(), **context})


def _collection_or_404(slug: str):
    collection = get_collection(slug)
    if collection is None:
        raise Http404
    return collection


def _row(collection, obj, language: str) -> dict:
    cells = [collection.shown(obj, f, language) for f in collection.list_fields()]
    return {
        "url": reverse("portal:record", args=[collection.slug, obj.pk]),
        "title": collection.record_title(obj, language),
        "cells": cells,
        "summary": " · ".join(c for c in cells if c),
    }


@public_page
def home(request):
    """Every collection with its latest records; with `q`, the records matching it in each."""
    language = _lang()
    query = (request.GET.get("q") or "").strip()[:200]
    sections = []
    for collection in active_collections():
        if query:
            matching, _filters, _q = records(collection, {"q": query}, language)
        else:
            matching = collection.published()
            date_field = collection.date_field()
            if date_field:
                matching = matching.order_by(f"-{date_field.name}", "-pk")
        sections.append(
            {
                "collection": collection,
                "count": matching.count(),
                "latest": [_row(collection, obj, language) for obj in matching[:5]],
                "columns": collection.list_fields(),
            }
        )
    return _render(request, "portal/home.html", {"sections": sections, "q": query, "portal_area": "home"})


@public_page
def collection_list(request, slug: str):
    collection = _collection_or_404(slug)
    language = _lang()
    queryset, filters, query = records(collection, request.GET, language)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return _render(
        request,
        "portal/list.html",
        {
            "collection": collection,
            "columns": collection.list_fields(),
            "rows": [_row(collection, obj, language) for obj in page.object_list],
            "page_obj": page,
            "filters": filters,
            "q": query,
            "query_without_page": params.urlencode(),
            "portal_area": collection.slug,
        },
    )


@public_page
def record(request, slug: str, pk: int):
    collection = _collection_or_404(slug)
    obj = get_record(collection, pk)
    if obj is None:
        raise Http404
    language = _lang()
    facts = [
        {"name": f.name, "label": f.label, "value": collection.shown(obj, f, language), "long": f.kind == "text"}
        for f in collection.public_fields()
        if f.name not in collection.title_fields
    ]
    return _render(
        request,
        "portal/record.html",
        {
            "collection": collection,
            "title": collection.record_title(obj, language),
            "facts": facts,
            "record_id": obj.pk,
            "portal_area": collection.slug,
        },
    )


def _map_rows(figures: dict, names: dict, collections) -> list[dict]:
    rows = []
    for key, per_collection in figures.items():
        counts = [per_collection.get(c.slug, 0) for c in collections]
        rows.append({"key": key, "name": names.get(key, key), "counts": counts, "total": sum(counts)})
    return sorted(rows, key=lambda r: (-r["total"], r["name"]))


@functools.cache
def _province_names() -> dict[str, dict[str, str]]:
    data = json.loads((GEO_DIR / GEO_FILES["vn-provinces"]).read_text(encoding="utf-8"))
    return {f["properties"]["code"]: f["properties"] for f in data["features"]}


@public_page
def maps(request):
    from hoptac.reference.models import Country

    language = _lang()
    world_collections = map_collections("world")
    province_collections = map_collections("province")
    world = world_figures()
    countries = {c.pk: c.display_name(language) for c in Country.objects.filter(pk__in=list(world))}
    provinces = {code: p["name_en" if language == "en" else "name_vi"] for code, p in _province_names().items()}
    world_rows = _map_rows(world, countries, world_collections)
    province_rows = _map_rows(
        {code: n for code, n in province_figures().items() if code in provinces}, provinces, province_collections
    )
    return _render(
        request,
        "portal/maps.html",
        {
            "world_collections": world_collections,
            "province_collections": province_collections,
            "world_rows": world_rows,
            "province_rows": province_rows,
            "world_values": {r["key"]: r["total"] for r in world_rows},
            "province_values": {r["key"]: r["total"] for r in province_rows},
            "portal_area": "maps",
        },
    )


@functools.cache
def _geo_bytes(name: str) -> tuple[bytes, str]:
    body = (GEO_DIR / GEO_FILES[name]).read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@login_not_required
def geo(request, name: str):
    """The boundary files, shipped with the code: cacheable for a day, revalidated by ETag."""
    if name not in GEO_FILES:
        raise Http404
    body, etag = _geo_bytes(name)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public_page
def data(request):
    projects = get_collection("projects")
    datasets = [
        {
            "collection": c,
            "count": c.published().count(),
            "downloads": [(fmt.upper(), reverse("portal:download", args=[c.slug, fmt])) for fmt in opendata.FORMATS],
        }
        for c in active_collections()
    ]
    return _render(
        request,
        "portal/data.html",
        {
            "datasets": datasets,
            "licence": opendata.LICENCE,
            "iati": opendata.iati_available(projects),
            "portal_area": "data",
        },
    )


@public_page
def dictionary(request):
    return _render(
        request,
        "portal/dictionary.html",
        {
            "entries": [(c, opendata.dictionary(c)) for c in active_collections()],
            "licence": opendata.LICENCE,
            "portal_area": "data",
        },
    )


@public_page
def download(request, slug: str, fmt: str):
    collection = _collection_or_404(slug)
    if fmt == "json":
        return opendata.json_response(collection, request)
    if fmt in ("csv", "xlsx"):
        return opendata.table_response(collection, fmt, request)
    raise Http404


@public_page
def iati(request):
    projects = get_collection("projects")
    if not opendata.iati_available(projects):
        raise Http404
    response = HttpResponse(opendata.iati_xml(projects), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="projects-iati-2.03.xml"'
    return response


@login_not_required
@never_cache
def set_language(request, code: str):
    """The portal's language switch: a plain link (its pages carry no form, so they can be
    cached), setting the same cookie as the internal switch."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith(
        "/portal/"
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response
