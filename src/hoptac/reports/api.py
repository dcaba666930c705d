"""GET /api/v1/reports/figures: the dashboard's figures as JSON, for other systems."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from hoptac.reports import figures
from hoptac.reports.forms import PeriodForm
from hoptac.web.params import Day, Id

router = Router(tags=["reports"])


class FigureOut(Schema):
    key: str
    label: str
    value: Decimal | int
    currency: str
    url: str


class SectionOut(Schema):
    key: str
    title: str
    available: bool
    figures: list[FigureOut]


class FiguresOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    as_of: datetime.date
    unit: int | None
    partner: int | None
    field: int | None
    sections: list[SectionOut]


class FiguresQuery(Schema):
    date_from: Day | None = None
    date_to: Day | None = None
    unit: Id | None = None
    partner: Id | None = None
    field: Id | None = None


class ErrorOut(Schema):
    message: str
    errors: dict[str, list[str]] = {}


@router.get("/reports/figures", response={200: FiguresOut, 422: ErrorOut})
def report_figures(request, query: Query[FiguresQuery]):
    """Every dashboard figure for the filter (the same numbers the page and the reports show);
    money as decimal strings in VND and USD."""
    data = {k: v for k, v in query.dict().items() if v is not None}
    form = PeriodForm(data)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return Status(422, {"message": _("Some fields are not valid."), "errors": errors})
    today = timezone.localdate()
    filters = form.filters(today)
    result = figures.sections(request.user, filters, today)
    return {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "as_of": filters.as_of(today),
        "unit": filters.unit.pk if filters.unit else None,
        "partner": filters.partner.pk if filters.partner else None,
        "field": filters.field.pk if filters.field else None,
        "sections": [
            {
                "key": s.key,
                "title": str(s.title),
                "available": s.available,
                "figures": [
                    {"key": f.key, "label": str(f.label), "value": f.value, "currency": f.currency, "url": f.url}
                    for f in s.figures
                ],
            }
            for s in result.values()
        ],
    }
