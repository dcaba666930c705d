"""A `Report` as DOCX (python-docx), XLSX (openpyxl) or PDF (fpdf2 with the DejaVu fonts), in the
administrative layout: heading block, title, numbered sections with tables, signature block."""

import datetime
import io
import logging
from decimal import Decimal
from pathlib import Path

from hoptac.reports.builder import Report

FONTS = Path(__file__).resolve().parent / "fonts"


def format_value(value, lang: str, currency: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (int, Decimal)):
        places = (
            2 if currency == "USD" or (isinstance(value, Decimal) and currency not in ("VND",) and value % 1) else 0
        )
        text = f"{value:,.{places}f}"
        if lang == "vi":
            text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return f"{text} {currency}".strip()
    return str(value)


def _figure_rows(report: Report, section) -> list[list[str]]:
    return [[f.label, format_value(f.value, report.lang, f.currency)] for f in section.figures]


def _cells(report: Report, row) -> list[str]:
    return [format_value(v, report.lang) for v in row]


def render(report: Report, fmt: str) -> bytes:
    return {"docx": render_docx, "xlsx": render_xlsx, "pdf": render_pdf}[fmt](report)


# --------------------------------------------------------------------------------------------
# DOCX


def render_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    for section in doc.sections:
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    heading_style = doc.styles["Heading 2"]
    heading_style.font.name = "Times New Roman"
    heading_style.font.size = Pt(13)
    heading_style.font.bold = True
    heading_style.font.color.rgb = RGBColor(0, 0, 0)

    def para(text: str, *, bold=False, italic=False, center=False, size=None, cell=None):
        p = cell.add_paragraph() if cell is not None else doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    # Heading block: issuing body on the left, national title on the right.
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.paragraphs[0].add_run(report.ministry).font.size = Pt(12)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.unit:
        para(report.unit, bold=True, center=True, size=12, cell=left)
    para(f"{report.labels['number']}: ......", center=True, size=12, cell=left)
    national, motto = report.national
    run = right.paragraphs[0].add_run(national)
    run.bold = True
    run.font.size = Pt(12)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    para(motto, bold=True, center=True, size=13, cell=right)
    para(report.place_date, italic=True, center=True, size=12, cell=right)

    doc.add_paragraph()
    para(report.report_word, bold=True, center=True, size=14)
    para(report.title, bold=True, center=True, size=14)
    para(report.period, italic=True, center=True)
    for line in report.filter_lines:
        para(line, italic=True, center=True, size=12)

    for section in report.sections:
        doc.add_heading(f"{section.number}. {section.title}", level=2)
        if not section.available:
            para(section.note, italic=True)
            continue
        if section.figures:
            _docx_table(doc, [report.labels["indicator"], report.labels["value"]], _figure_rows(report, section))
        for number, table in enumerate(section.tables, start=1):
            para(f"{number}. {table.title}", bold=True)
            if table.rows:
                _docx_table(doc, [str(h) for h in table.headers], [_cells(report, r) for r in table.rows])
            else:
                para(report.labels["none"], italic=True)

    doc.add_paragraph()
    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    left.paragraphs[0].add_run(report.labels["recipients"]).bold = True
    for line in report.labels["recipients_lines"].splitlines():
        para(line, size=11, cell=left)
    right.paragraphs[0].add_run(report.labels["signer_title"]).bold = True
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    para(report.labels["signer_note"], italic=True, center=True, size=12, cell=right)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_table(doc, headers: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


# --------------------------------------------------------------------------------------------
# XLSX: a summary sheet with every figure as a number, then one sheet per section.


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def render_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.labels["summary"][:31]
    national, motto = report.national
    sheet.append([report.ministry, None, None, national])
    sheet.append([report.unit, None, None, motto])
    sheet.append([None, None, None, report.place_date])
    sheet.append([])
    sheet.append([report.report_word])
    sheet.append([report.title])
    sheet.append([report.period])
    for line in report.filter_lines:
        sheet.append([line])
    for row in (1, 2, 5, 6):
        for cell in sheet[row]:
            cell.font = bold
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(
        [report.labels["section"], report.labels["indicator"], report.labels["value"], report.labels["currency"],
         report.labels["code"]]
    )  # fmt: skip
    for cell in sheet[header_row]:
        cell.font = bold
    for section in report.sections:
        sheet.append([f"{section.number}. {section.title}"])
        sheet.cell(sheet.max_row, 1).font = bold
        if not section.available:
            sheet.append([None, section.note])
        for figure in section.figures:
            sheet.append(
                [None, figure.label, _xlsx_value(figure.value), figure.currency, f"{section.key}.{figure.key}"]
            )
    sheet.append([])
    sheet.append([report.labels["recipients"], None, None, report.labels["signer_title"]])
    sheet.append([None, None, None, report.labels["signer_note"]])
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 46
    sheet.column_dimensions["C"].width = 18
    sheet.column_dimensions["D"].width = 40
    for section in report.sections:
        ws = workbook.create_sheet(f"{section.number}. {section.title}"[:31].replace("/", "-").replace(":", ""))
        ws.append([f"{section.number}. {section.title}"])
        ws["A1"].font = bold
        if not section.available:
            ws.append([section.note])
            continue
        for figure in section.figures:
            ws.append([figure.label, _xlsx_value(figure.value), figure.currency])
        for number, table in enumerate(section.tables, start=1):
            ws.append([])
            ws.append([f"{number}. {table.title}"])
            ws.cell(ws.max_row, 1).font = bold
            ws.append([str(h) for h in table.headers])
            for cell in ws[ws.max_row]:
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True)
            for row in table.rows:
                ws.append([_xlsx_value(v) for v in row])
        ws.column_dimensions["A"].width = 40
        ws.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# PDF


def render_pdf(report: Report) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    logging.getLogger("fontTools").setLevel(logging.WARNING)

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(25, 20, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_page()
    width = pdf.epw
    half = width / 2
    top = pdf.get_y()
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(half - 4, 5, report.ministry, align="C", new_x="LEFT", new_y="NEXT")
    if report.unit:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(half - 4, 5, report.unit, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(half - 4, 5, f"{report.labels['number']}: ......", align="C", new_x="LEFT", new_y="NEXT")
    left_bottom = pdf.get_y()
    national, motto = report.national
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.multi_cell(half, 5, national, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(half, 5, motto, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "I", 10)
    pdf.multi_cell(half, 6, report.place_date, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()) + 6)

    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(width, 7, report.report_word, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 7, report.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "I", 10)
    pdf.multi_cell(width, 6, report.period, align="C", new_x="LMARGIN", new_y="NEXT")
    for line in report.filter_lines:
        pdf.multi_cell(width, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    heading = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    for section in report.sections:
        pdf.set_font("DejaVu", "B", 11.5)
        pdf.multi_cell(width, 7, f"{section.number}. {section.title}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        if not section.available:
            pdf.set_font("DejaVu", "I", 9)
            pdf.multi_cell(width, 5, section.note, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            continue
        if section.figures:
            _pdf_table(
                pdf,
                [report.labels["indicator"], report.labels["value"]],
                _figure_rows(report, section),
                heading,
                align=("LEFT", "RIGHT"),
            )
        for number, table in enumerate(section.tables, start=1):
            pdf.set_font("DejaVu", "B", 9.5)
            pdf.multi_cell(width, 6, f"{number}. {table.title}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 8)
            if table.rows:
                _pdf_table(pdf, [str(h) for h in table.headers], [_cells(report, r) for r in table.rows], heading)
            else:
                pdf.set_font("DejaVu", "I", 8.5)
                pdf.multi_cell(width, 5, report.labels["none"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    pdf.ln(6)
    top = pdf.get_y()
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.multi_cell(half, 5, report.labels["recipients"], new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(half, 5, report.labels["recipients_lines"], new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.multi_cell(half, 6, report.labels["signer_title"], align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "I", 9.5)
    pdf.multi_cell(half, 5, report.labels["signer_note"], align="C", new_x="LEFT", new_y="NEXT")
    return bytes(pdf.output())


def _pdf_table(pdf, headers: list[str], rows: list[list[str]], heading, align=None) -> None:
    pdf.set_font("DejaVu", "", 8.5)
    widths = (4.0, 1.0) if align else _col_widths(headers, rows)
    if not _rows_fit_a_page(pdf, rows, widths):
        _pdf_records(pdf, headers, rows)
        return
    options = {"headings_style": heading, "line_height": 4.5, "padding": 1, "col_widths": widths}
    with pdf.table(text_align=align or "LEFT", **options) as table:
        header = table.row()
        for text in headers:
            header.cell(text)
        for row in rows:
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.ln(2)


def _rows_fit_a_page(pdf, rows: list[list[str]], widths: tuple[float, ...]) -> bool:
    """fpdf2 cannot split a table row across pages: a long narrative in a narrow column fails the
    whole report. Wrapped lines are estimated from the text's printed width, with room to spare."""
    room = (pdf.h - pdf.t_margin - pdf.b_margin) * 0.6
    total = sum(widths)
    for row in rows:
        for text, share in zip(row, widths, strict=False):
            column = max(pdf.epw * share / total - 2, 1)
            lines = sum(int(pdf.get_string_width(part) // column) + 1 for part in str(text).split("\n"))
            if lines * 4.5 > room:
                return False
    return True


def _pdf_records(pdf, headers: list[str], rows: list[list[str]]) -> None:
    """A table too tall for a page, as one block per row: its first cell, then "heading: value"."""
    for row in rows:
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.multi_cell(pdf.epw, 4.5, str(row[0]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8.5)
        for title, text in zip(headers[1:], row[1:], strict=False):
            if text:
                pdf.multi_cell(pdf.epw, 4.5, f"{title}: {text}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    pdf.ln(2)


def _col_widths(headers: list[str], rows: list[list[str]]) -> tuple[float, ...]:
    """Relative column widths from the text each column holds (long titles get more room)."""
    widths = []
    for i, header in enumerate(headers):
        longest_word = max((len(w) for w in header.split()), default=1)
        lengths = [len(row[i]) for row in rows[:200]] or [len(header)]
        typical = sorted(lengths)[len(lengths) * 3 // 4]
        widths.append(float(min(max(typical, longest_word, 7), 30)))
    return tuple(widths)
