"""CSV and XLSX downloads of a list's filtered rows."""

import csv
import datetime
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font

from hoptac.web.params import CONTROL_CHARACTERS


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, Promise):  # a translated label: openpyxl knows only str
        value = str(value)
    if isinstance(value, str):
        # control characters (an imported NUL, say) are refused by the XLSX format
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def export_response(fmt: str, filename: str, headers: list[str], rows) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(filename[:31])
        header_cells = []
        for title in headers:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(sheet, value=str(title))
            cell.font = Font(bold=True)
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
        return response
    buffer = io.StringIO()
    # A byte-order mark so that Excel opens Vietnamese text as UTF-8.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response
