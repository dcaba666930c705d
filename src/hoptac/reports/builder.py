"""Periodic reports: which sections each kind holds, built from the dashboard's own figures.

`build_report` returns a `Report` (plain data: heading, numbered sections with their figures and
tables, signature block); `render` turns it into DOCX, XLSX or PDF (see renderers.py)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoptac.org.models import Unit
from hoptac.reports import figures
from hoptac.reports.figures import Figure, Filters, Table


@dataclass(frozen=True)
class ReportKind:
    key: str
    title: Promise
    sections: tuple[str, ...]


ALL_SECTIONS = ("partners", "agreements", "events", "delegations", "aid", "tasks", "documents")

KINDS: dict[str, ReportKind] = {
    kind.key: kind
    for kind in (
        ReportKind("annual", gettext_lazy("Annual report on international cooperation"), ALL_SECTIONS),
        ReportKind("semiannual", gettext_lazy("Six-monthly report on international cooperation"), ALL_SECTIONS),
        ReportKind("agreements", gettext_lazy("Yearly report on international agreements"), ("agreements",)),
        ReportKind("programme-progress", gettext_lazy("Action-programme progress report"), ("tasks",)),
    )
}

FORMATS = ("docx", "xlsx", "pdf")
LANGUAGES = ("vi", "en")

# The fixed lines of the administrative layout (Decree 30/2020/NĐ-CP) in each language: a legal
# form, not interface text, so it does not wait for the translation catalogue.
NATIONAL_HEADING = {
    "vi": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
    "en": ("SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness"),
}
REPORT_WORD = {"vi": "BÁO CÁO", "en": "REPORT"}


def place_and_date(day: datetime.date, lang: str, place: str = "") -> str:
    if lang == "vi":
        return f"{place or 'Hà Nội'}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{place or 'Hanoi'}, {day:%d %B %Y}"


def period_line(filters: Filters, lang: str) -> str:
    if lang == "vi":
        return f"(Từ ngày {filters.date_from:%d/%m/%Y} đến ngày {filters.date_to:%d/%m/%Y})"
    return f"(From {filters.date_from:%d/%m/%Y} to {filters.date_to:%d/%m/%Y})"


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


@dataclass
class ReportSection:
    number: str
    key: str
    title: str
    available: bool
    note: str
    figures: list[Figure]
    tables: list[Table]


@dataclass
class Report:
    kind: str
    title: str
    lang: str
    filters: Filters
    issued_on: datetime.date
    ministry: str
    unit: str
    sections: list[ReportSection] = field(default_factory=list)
    filter_lines: list[str] = field(default_factory=list)

    @property
    def national(self) -> tuple[str, str]:
        return NATIONAL_HEADING[self.lang]

    @property
    def report_word(self) -> str:
        return REPORT_WORD[self.lang]

    @property
    def place_date(self) -> str:
        return place_and_date(self.issued_on, self.lang)

    @property
    def period(self) -> str:
        return period_line(self.filters, self.lang)

    def figure_values(self) -> dict[str, int | Decimal]:
        return {f"{s.key}.{f.key}": f.value for s in self.sections for f in s.figures}

    # Words of the signature block and table headings, in the report's language.
    labels: dict[str, str] = field(default_factory=dict)


def author_unit(filters: Filters) -> Unit | None:
    """The unit that issues the report: the filtered unit, else the international cooperation
    department of the ministry (code BNV-HTQT) when it exists."""
    if filters.unit:
        return filters.unit
    return Unit.objects.filter(code="BNV-HTQT").first() or Unit.objects.filter(kind=Unit.Kind.MINISTRY).first()


def _ministry_of(unit: Unit | None) -> Unit | None:
    while unit is not None and unit.kind != Unit.Kind.MINISTRY and unit.parent_id:
        unit = unit.parent
    return unit


def build_report(
    kind: str,
    filters: Filters,
    *,
    lang: str = "vi",
    today: datetime.date,
    user=None,
    progress: Callable[[int, int, str], None] | None = None,
    issuer: Unit | None = None,
) -> Report:
    """The report's data. Every figure comes from `figures.SECTIONS`, the dashboard's functions."""
    report_kind = KINDS[kind]
    user = user or figures.system_user()
    with translation.override(lang):
        unit = issuer or author_unit(filters)
        ministry = _ministry_of(unit)
        report = Report(
            kind=kind,
            title=str(report_kind.title),
            lang=lang,
            filters=filters,
            issued_on=today,
            ministry=ministry.display_name(lang).upper() if ministry else "",
            unit=unit.display_name(lang).upper() if unit and unit != ministry else "",
        )
        if filters.unit:
            report.filter_lines.append(f"{_('Unit')}: {filters.unit.display_name(lang)}")
        if filters.partner:
            report.filter_lines.append(f"{_('Partner')}: {filters.partner.display_name(lang)}")
        if filters.field:
            report.filter_lines.append(f"{_('Field')}: {filters.field.display_name(lang)}")
        total = len(report_kind.sections)
        for index, key in enumerate(report_kind.sections):
            section = figures.SECTIONS[key](user, filters, today)
            if progress:
                progress(index + 1, total, str(section.title))
            tables = list(section.tables) + [chart.table() for chart in section.charts if chart.in_report]
            report.sections.append(
                ReportSection(
                    ROMAN[index], key, str(section.title), section.available, str(section.note), section.figures, tables
                )
            )
        report.labels = {
            "indicator": _("Indicator"),
            "value": _("Value"),
            "none": _("None in the period."),
            "recipients": _("Recipients:"),
            "recipients_lines": _("- As above;\n- Archived."),
            "signer_title": _("HEAD OF DEPARTMENT"),
            "signer_note": _("(Signature, full name)"),
            "number": _("No."),
            "filters": _("Filters"),
            "summary": _("Summary"),
            "section": _("Section"),
            "code": _("Code"),
            "currency": _("Currency"),
        }
    return report


def file_name(kind: str, filters: Filters, lang: str, fmt: str) -> str:
    return f"hoptac-{kind}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}-{lang}.{fmt}"
