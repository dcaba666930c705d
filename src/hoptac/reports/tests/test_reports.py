"""Reports: every section in every format, read back with the same libraries, and figures equal
to the dashboard's for the same filter."""

import io
import re

import pytest
from django.utils import translation

from hoptac.reports import figures
from hoptac.reports.builder import KINDS, build_report
from hoptac.reports.figures import Filters
from hoptac.reports.renderers import format_value, render

pytestmark = pytest.mark.django_db

YEAR_2025 = Filters.year(2025)


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _xlsx_text(data: bytes) -> tuple[str, dict]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    parts, codes = [], {}
    for sheet in book.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
            if sheet is book.worksheets[0] and len(row) >= 5 and row[4] and "." in str(row[4]):
                codes[row[4]] = row[2]
    return "\n".join(parts), codes


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_every_format_opens_and_holds_every_section(records, today, kind, lang, fmt):
    report = build_report(kind, YEAR_2025, lang=lang, today=today)
    data = render(report, fmt)
    text = {"docx": _docx_text, "pdf": _pdf_text, "xlsx": lambda d: _xlsx_text(d)[0]}[fmt](data)
    text = _squash(text)
    national, motto = report.national
    for expected in (national, motto, report.title, report.ministry):
        assert _squash(expected) in text, expected
    for section in report.sections:
        heading = f"{section.number}. {section.title}"
        # Sheet names are cut at 31 characters.
        assert _squash(heading)[: 31 if fmt == "xlsx" else None] in text, heading
    assert report.labels["signer_title"] in text
    assert len(report.sections) == len(KINDS[kind].sections)


def test_vietnamese_is_the_default_layout(today):
    report = build_report("annual", YEAR_2025, today=today)
    assert report.national == ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    assert report.place_date == "Hà Nội, ngày 15 tháng 12 năm 2025"
    assert report.period == "(Từ ngày 01/01/2025 đến ngày 31/12/2025)"
    assert [s.number for s in report.sections] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert report.ministry == "BỘ NỘI VỤ"
    assert report.title != "Annual report on international cooperation"  # translated
    assert report.labels["recipients"] == "Nơi nhận:"


def test_report_figures_equal_dashboard_figures(logged_in, admin_user, records):
    """The same filter on the dashboard (whole-ministry column) and in the report, on the same day."""
    from django.utils import timezone

    today = timezone.localdate()  # the page reads the real clock
    dashboard = figures.flat(figures.sections(admin_user, YEAR_2025, today))
    report = build_report("annual", YEAR_2025, today=today, user=admin_user)
    assert report.figure_values() == dashboard
    # And as the page shows them: each figure's data-value on the dashboard.
    html = logged_in(admin_user).get("/", {"from": "2025-01-01", "to": "2025-12-31"}).content.decode()
    shown = dict(re.findall(r'data-testid="figure-([a-z_]+-[a-z_0-9]+)" data-value="([^"]+)"', html))
    assert shown
    for key, value in report.figure_values().items():
        assert shown[key.replace(".", "-", 1)] == str(value), key


def test_report_for_a_unit_equals_the_dashboard_unit_column(admin_user, unit_a, records, today):
    filters = YEAR_2025.with_unit(unit_a)
    report = build_report("semiannual", filters, today=today)  # command line: reads everything
    assert report.figure_values() == figures.flat(figures.sections(admin_user, filters, today))
    assert report.unit == unit_a.name_vi.upper()


def test_xlsx_summary_holds_every_figure_as_a_number(records, today):
    report = build_report("annual", YEAR_2025, today=today)
    _, codes = _xlsx_text(render(report, "xlsx"))
    assert codes == {k: v for k, v in report.figure_values().items()}


def test_english_report(records, today):
    report = build_report("annual", YEAR_2025, lang="en", today=today)
    with translation.override("en"):
        assert report.title == "Annual report on international cooperation"
    assert report.national[0] == "SOCIALIST REPUBLIC OF VIET NAM"
    assert "15 December 2025" in report.place_date


def test_values_in_local_format():
    from decimal import Decimal

    assert format_value(1234567, "vi") == "1.234.567"
    assert format_value(1234567, "en") == "1,234,567"
    assert format_value(Decimal("1234.5"), "vi", "USD") == "1.234,50 USD"
    assert format_value(Decimal("2500000000"), "en", "VND") == "2,500,000,000 VND"


def test_a_row_taller_than_a_page_still_renders_in_the_pdf(records, today):
    # fpdf2 cannot split a table row across pages; a long progress narrative made every PDF fail
    report = build_report("annual", YEAR_2025, today=today)
    table = next(t for s in report.sections for t in s.tables if len(t.headers) >= 3)
    narrative = "Kết quả thực hiện chi tiết " * 400
    table.rows.append([narrative, *[""] * (len(table.headers) - 1)])
    text = _squash(_pdf_text(render(report, "pdf")))
    assert _squash(narrative)[:200] in text
    assert report.labels["signer_title"] in text
