import datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition

from hoptac.notifications.due import due_items_for
from hoptac.org.permissions import role_of
from hoptac.reports import figures
from hoptac.reports.builder import build_report, file_name
from hoptac.reports.forms import PeriodForm, ReportForm
from hoptac.reports.renderers import render as render_report
from hoptac.web.exports import export_response

GEO_DIR = Path(__file__).resolve().parent.parent / "reference" / "data" / "geo"
GEO_FILES = {
    "world.topojson": "application/json",
    "vn-provinces-34.geojson": "application/geo+json",
}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _page_filters(request, today: datetime.date) -> tuple[PeriodForm, figures.Filters]:
    form = PeriodForm(request.GET or None)
    return form, form.filters(today)


def _js(value):
    """Chart data for the browser (display only: exact figures are in the tables)."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _chart_json(chart: figures.Chart) -> dict:
    return {
        "labels": [str(label) for label in chart.labels],
        "datasets": [{"label": str(name), "data": [_js(v) for v in values]} for name, values in chart.datasets],
        "kind": chart.kind,
        "colors": chart.colors,
    }


def dashboard(request):
    today = timezone.localdate()
    form, filters = _page_filters(request, today)
    user = request.user
    unit = filters.unit or user.unit
    ministry = figures.sections(user, filters.with_unit(None), today)
    own = figures.sections(user, filters.with_unit(unit), today) if unit else None
    page = own if filters.unit else ministry  # charts and tables follow the page's unit filter
    rows = []
    for key, section in ministry.items():
        figure_rows = []
        for fig in section.figures:
            mine = own[key].figure(fig.key) if own else None
            figure_rows.append({"label": fig.label, "all": fig, "unit": mine})
        rows.append({"section": section, "figures": figure_rows})
    charts = [
        {
            "section": key,
            "chart": chart,
            "table": chart.table(),
            "json": _chart_json(chart),
            "dom_id": f"chart-data-{key}-{chart.key}",
        }
        for key, section in page.items()
        for chart in section.charts
    ]
    world = {m: figures.country_volume(user, filters, m, today) for m in figures.MAP_MEASURES}
    provinces = figures.province_aid(user, filters)
    measure = request.GET.get("measure") if request.GET.get("measure") in figures.MAP_MEASURES else "agreements"
    context = {
        "form": form,
        "filters": filters,
        "querystring": filters.querystring(),
        "today": today,
        "due_items": due_items_for(user, today),
        "unit": unit,
        "unit_chosen": bool(filters.unit),
        "rows": rows,
        "charts": charts,
        "world": world,
        "world_rows": _world_rows(world),
        "measure": measure,
        "measures": [(m, _measure_label(m)) for m in figures.MAP_MEASURES],
        "provinces": provinces,
        "province_rows": _province_rows(provinces),
        "province_json": {code: _js(v["vnd"]) for code, v in provinces.items()},
    }
    return render(request, "reports/dashboard.html", context)


def _measure_label(measure: str) -> str:
    return {"agreements": _("Agreements"), "projects": _("Aid projects"), "delegations": _("Delegations")}[measure]


def _world_rows(world: dict[str, dict[str, int]]) -> list[list]:
    from hoptac.reference.models import Country

    codes = sorted({code for counts in world.values() for code in counts})
    lang = (get_language() or "vi")[:2]
    names = {c.iso2: (c.name_en if lang == "en" else c.name_vi) for c in Country.objects.filter(iso2__in=codes)}
    rows = [[code, names.get(code, code)] + [world[m].get(code, 0) for m in figures.MAP_MEASURES] for code in codes]
    return sorted(rows, key=lambda r: (-sum(r[2:]), r[1]))


def _province_rows(provinces: dict[str, dict]) -> list[list]:
    return sorted(([code, v["name"], v["vnd"], v["usd"]] for code, v in provinces.items()), key=lambda r: (-r[2], r[1]))


def chart_csv(request, section: str, chart: str):
    """The data of one dashboard chart (same filters as the page) as CSV."""
    if section not in figures.SECTIONS:
        raise Http404
    today = timezone.localdate()
    _form, filters = _page_filters(request, today)
    result = figures.SECTIONS[section](request.user, filters, today)
    found = next((c for c in result.charts if c.key == chart), None)
    if found is None:
        raise Http404
    table = found.table()
    return export_response("csv", f"{section}-{chart}", table.headers, table.rows)


def map_csv(request, name: str):
    today = timezone.localdate()
    _form, filters = _page_filters(request, today)
    if name == "world":
        world = {m: figures.country_volume(request.user, filters, m, today) for m in figures.MAP_MEASURES}
        headers = [_("ISO code"), _("Country")] + [_measure_label(m) for m in figures.MAP_MEASURES]
        return export_response("csv", "world-map", headers, _world_rows(world))
    if name == "provinces":
        rows = _province_rows(figures.province_aid(request.user, filters))
        headers = [_("GSO code"), _("Province"), _("Aid received (VND)"), _("Aid received (USD)")]
        return export_response("csv", "province-map", headers, rows)
    raise Http404


def _geo_etag(request, name: str) -> str | None:
    path = GEO_DIR / name
    if name not in GEO_FILES or not path.exists():
        return None
    stat = path.stat()
    return f'"{stat.st_size:x}-{int(stat.st_mtime):x}"'


@login_not_required
@cache_control(public=True, max_age=7 * 24 * 3600)
@condition(etag_func=_geo_etag)
def geo(request, name: str):
    """Boundary data for the maps (public: the portal uses it too)."""
    if name not in GEO_FILES:
        raise Http404
    return FileResponse((GEO_DIR / name).open("rb"), content_type=GEO_FILES[name])


def reports_page(request):
    today = timezone.localdate()
    data = request.GET if "kind" in request.GET else None
    initial = {
        "date_from": datetime.date(today.year, 1, 1),
        "date_to": datetime.date(today.year, 12, 31),
        "lang": (get_language() or "vi")[:2],
    }
    form = ReportForm(data, initial=initial)
    if data is not None and form.is_valid():
        filters = form.filters(today)
        kind, fmt, lang = form.cleaned_data["kind"], form.cleaned_data["format"], form.cleaned_data["lang"] or "vi"
        # A contributor sees only its unit's records: the report is that unit's.
        issuer = request.user.unit if role_of(request.user) == "contributor" and not filters.unit else None
        report = build_report(kind, filters, lang=lang, today=today, user=request.user, issuer=issuer)
        response = HttpResponse(render_report(report, fmt), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{file_name(kind, filters, lang, fmt)}"'
        return response
    return render(request, "reports/reports.html", {"form": form})
