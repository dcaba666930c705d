"""Import tasks from a spreadsheet (XLSX) or CSV: every row is checked first, and nothing is
written unless every row is good. The template is described in docs/programmes.md.

Columns (the first row names them, in Vietnamese or English, in any order; case and diacritics
do not matter):

| column | Vietnamese | required | what |
|---|---|---|---|
| code | mã | no | the task's number in the programme, e.g. "II.3" |
| task | nhiệm vụ | yes | what must be done |
| description | mô tả | no | |
| field | lĩnh vực | no | a cooperation field: its code, Vietnamese or English name |
| lead unit | đơn vị chủ trì | yes | one unit: name, short name, code or a former name |
| coordinating units | đơn vị phối hợp | no | units separated by ";" or new lines |
| deadline | thời hạn | no | see `parse_deadline` |
| product | sản phẩm | no | the expected product |
| upper task | nhiệm vụ cấp trên | no | the code of the task it serves in the upper programme |
| notes | ghi chú | no | |
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.programmes.deadlines import clamp_date
from hoptac.programmes.models import Programme, Task
from hoptac.search.folding import fold_words
from hoptac.web.params import CONTROL_CHARACTERS, validate_record_date

COLUMNS = {
    "code": ["code", "ma", "ma nhiem vu", "so tt", "stt"],
    "title": ["task", "nhiem vu", "ten nhiem vu", "title"],
    "description": ["description", "mo ta", "noi dung"],
    "field": ["field", "linh vuc"],
    "lead_unit": ["lead unit", "don vi chu tri", "chu tri", "co quan chu tri"],
    "coordinating_units": ["coordinating units", "don vi phoi hop", "phoi hop", "co quan phoi hop"],
    "deadline": ["deadline", "thoi han", "thoi gian hoan thanh"],
    "expected_product": ["product", "expected product", "san pham", "san pham du kien"],
    "upper_task": ["upper task", "nhiem vu cap tren"],
    "notes": ["notes", "ghi chu"],
}
REQUIRED = ("title", "lead_unit")
# The template's columns as a person writes them: (English, Vietnamese, required).
TEMPLATE = [
    ("code", "Mã", False),
    ("task", "Nhiệm vụ", True),
    ("description", "Mô tả", False),
    ("field", "Lĩnh vực", False),
    ("lead unit", "Đơn vị chủ trì", True),
    ("coordinating units", "Đơn vị phối hợp", False),
    ("deadline", "Thời hạn", False),
    ("product", "Sản phẩm", False),
    ("upper task", "Nhiệm vụ cấp trên", False),
    ("notes", "Ghi chú", False),
]


def _key(text) -> str:
    return " ".join(fold_words(str(text or "")))


class UnreadableFile(Exception):
    """The file cannot be read at all (not a row problem)."""


# ---- deadlines ----------------------------------------------------------------------------


@dataclass
class Deadline:
    kind: str = Task.DeadlineKind.NONE
    date: datetime.date | None = None
    month: int | None = None
    day: int | None = None


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_deadline(value) -> Deadline:
    """A deadline as people write it. Accepted (Vietnamese or English, with or without diacritics):

    - empty, "none", "không" → no deadline;
    - a date: 31/12/2025, 2025-12-31 (or a spreadsheet date) → by that date;
    - a month, quarter or year: "06/2026", "tháng 6/2026", "quý III/2026", "Q3 2026", "năm 2026", "2026"
      → by the last day of it;
    - "hằng năm 15/12", "yearly 15/12", "annually 15/12" → yearly on 15 December;
    - "hằng quý ngày 20", "quarterly 20" → quarterly on the 20th of March, June, September, December;
    - "thường xuyên", "regular" → regular, due each reporting round.

    Raises ValueError with the reason."""
    if value is None or value == "":
        return Deadline()
    if isinstance(value, datetime.datetime):
        return Deadline(Task.DeadlineKind.DATE, value.date())
    if isinstance(value, datetime.date):
        return Deadline(Task.DeadlineKind.DATE, value)
    text = str(value).strip()
    words = _key(text)
    if words in ("", "none", "khong", "no deadline", "khong co"):
        return Deadline()
    if words in ("thuong xuyen", "regular", "regularly", "hang ky"):
        return Deadline(Task.DeadlineKind.REGULAR)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if words.startswith(("hang nam", "yearly", "annually", "every year", "moi nam")) or words.endswith(
        ("hang nam", "every year")
    ):
        if not numbers:
            return Deadline(Task.DeadlineKind.YEARLY, month=12, day=31)
        if len(numbers) != 2:
            raise ValueError(
                _("yearly deadline %(text)s: give the day and month, e.g. 'hằng năm 15/12'") % {"text": repr(text)}
            )
        day, month = numbers
        _check_day_month(day, month, text)
        return Deadline(Task.DeadlineKind.YEARLY, month=month, day=day)
    if words.startswith(("hang quy", "quarterly", "every quarter", "moi quy")):
        if len(numbers) > 1:
            raise ValueError(
                _("quarterly deadline %(text)s: give only the day, e.g. 'hằng quý ngày 20'") % {"text": repr(text)}
            )
        day = numbers[0] if numbers else 31
        if not 1 <= day <= 31:
            raise ValueError(
                _("quarterly deadline %(text)s: %(day)s is not a day of the month") % {"text": repr(text), "day": day}
            )
        return Deadline(Task.DeadlineKind.QUARTERLY, month=3, day=day)
    quarter = re.fullmatch(r"(?:quy|q|quarter)\s*(i{1,3}|iv|[1-4])\s*(?:nam\s*)?(\d{4})", words)
    if quarter:
        q = _ROMAN.get(quarter.group(1)) or int(quarter.group(1))
        return Deadline(Task.DeadlineKind.DATE, clamp_date(int(quarter.group(2)), q * 3, 31))
    date_match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    try:
        if date_match:
            d, m, y = (int(g) for g in date_match.groups())
            return Deadline(Task.DeadlineKind.DATE, datetime.date(y, m, d))
        if iso:
            y, m, d = (int(g) for g in iso.groups())
            return Deadline(Task.DeadlineKind.DATE, datetime.date(y, m, d))
    except ValueError:
        raise ValueError(_("deadline %(text)s is not a real date") % {"text": repr(text)}) from None
    month = re.fullmatch(r"(?:thang|month)?\s*(\d{1,2})\s*(?:nam)?\s*(\d{4})", words)
    if month:
        m, y = int(month.group(1)), int(month.group(2))
        if not 1 <= m <= 12:
            raise ValueError(_("deadline %(text)s: %(month)s is not a month") % {"text": repr(text), "month": m})
        return Deadline(Task.DeadlineKind.DATE, clamp_date(y, m, 31))
    year = re.fullmatch(r"(?:nam|year|in)?\s*(\d{4})", words)
    if year:
        return Deadline(Task.DeadlineKind.DATE, datetime.date(int(year.group(1)), 12, 31))
    raise ValueError(
        _("cannot read the deadline %(text)s (e.g. 31/12/2025, quý III/2026, hằng năm 15/12, thường xuyên)")
        % {"text": repr(text)}
    )


def _check_day_month(day: int, month: int, text: str) -> None:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise ValueError(
            _("deadline %(text)s: %(day)s/%(month)s is not a day and month")
            % {"text": repr(text), "day": day, "month": month}
        )
    if day > [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]:
        raise ValueError(
            _("deadline %(text)s: %(day)s/%(month)s is not a day and month")
            % {"text": repr(text), "day": day, "month": month}
        )


# ---- units and fields ---------------------------------------------------------------------


class Matcher:
    """Names to records with Vietnamese folding: "Bo Y te", "bộ y tế" and "BYT" find the Ministry of Health;
    a unit is also found by its former names."""

    def __init__(self, names: dict[str, set[int]], objects: dict[int, object]):
        self.names = names
        self.objects = objects

    @classmethod
    def units(cls) -> "Matcher":
        names: dict[str, set[int]] = {}
        objects = {}
        for unit in Unit.objects.all():
            objects[unit.pk] = unit
            for name in [unit.name_vi, unit.name_en, unit.short_name, unit.code, *(unit.former_names or [])]:
                if name:
                    names.setdefault(_key(name), set()).add(unit.pk)
        return cls(names, objects)

    @classmethod
    def fields(cls) -> "Matcher":
        names: dict[str, set[int]] = {}
        objects = {}
        for f in Field.objects.all():
            objects[f.pk] = f
            for name in (f.code, f.name_vi, f.name_en):
                names.setdefault(_key(name), set()).add(f.pk)
        return cls(names, objects)

    def find(self, text: str, what: str):
        pks = self.names.get(_key(text), set())
        if not pks:
            raise ValueError(
                (_("unknown unit %(text)s") if what == "unit" else _("unknown field %(text)s")) % {"text": repr(text)}
            )
        active = {pk for pk in pks if getattr(self.objects[pk], "is_active", True)}
        pks = active or pks
        if len(pks) > 1:
            raise ValueError(
                (
                    _("unit %(text)s matches several: write its full name or code")
                    if what == "unit"
                    else _("field %(text)s matches several: write its full name or code")
                )
                % {"text": repr(text)}
            )
        return self.objects[next(iter(pks))]


# ---- reading ------------------------------------------------------------------------------


def read_rows(path: Path) -> list[tuple[int, list]]:
    """(row number as the spreadsheet shows it, cells) for every row, the header first."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_("the CSV file is not UTF-8 text")) from exc
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            return [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]
        except csv.Error as exc:  # a cell over the csv module's limit (128 KiB), say
            raise UnreadableFile(_("cannot read the CSV file: %(error)s") % {"error": exc}) from exc
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise UnreadableFile(_("cannot open the spreadsheet: %(error)s") % {"error": exc}) from exc
        sheet = workbook.worksheets[0]
        rows = [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
        workbook.close()
        return rows
    raise UnreadableFile(_("unsupported file type %(suffix)s: use .xlsx or .csv") % {"suffix": suffix or "(none)"})


def _header_map(header: list) -> dict[str, int]:
    mapping: dict[str, int] = {}
    aliases = {alias: name for name, names in COLUMNS.items() for alias in names}
    for index, cell in enumerate(header):
        name = aliases.get(_key(cell))
        if name and name not in mapping:
            mapping[name] = index
    return mapping


def _cell(row: list, index: int | None):
    if index is None or index >= len(row):
        return None
    value = row[index]
    # control characters (a NUL, say) would be stored and then refused by every XLSX and DOCX export
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class RowPlan:
    number: int
    data: dict
    coordinating: list = field(default_factory=list)


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_file(path: Path, programme: Programme) -> tuple[list[RowPlan], list[tuple[int, str]]]:
    """Every row checked; (the planned tasks, every error as (row number, reason))."""
    rows = read_rows(path)
    while rows and not any(_text(c) for c in rows[0][1]):
        rows.pop(0)
    if not rows:
        return [], [(1, _("the file is empty: the first row must name the columns"))]
    header_number, header = rows[0]
    columns = _header_map(header)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        names = ", ".join(f"'{COLUMNS[m][0]}' ({COLUMNS[m][1]})" for m in missing)
        return [], [(header_number, _("missing column %(names)s") % {"names": names})]
    units, fields_ = Matcher.units(), Matcher.fields()
    upper_codes = {}
    if programme.parent_id:
        upper_codes = {t.code: t for t in Task.objects.filter(programme_id=programme.parent_id).exclude(code="")}
    existing = set(Task.objects.filter(programme=programme).exclude(code="").values_list("code", flat=True))
    plans: list[RowPlan] = []
    errors: list[tuple[int, str]] = []
    seen_codes: dict[str, int] = {}
    for number, row in rows[1:]:
        if not any(_text(c) for c in row):
            continue
        reasons: list[str] = []
        get = {name: _cell(row, index) for name, index in columns.items()}
        title = _text(get.get("title"))
        if not title:
            reasons.append(_("the task is empty"))
        code = _text(get.get("code"))
        if code:
            if code in existing:
                reasons.append(_("task code %(code)s already exists in this programme") % {"code": repr(code)})
            elif code in seen_codes:
                reasons.append(
                    _("task code %(code)s is also on row %(row)s") % {"code": repr(code), "row": seen_codes[code]}
                )
            else:
                seen_codes[code] = number
        lead = None
        lead_text = _text(get.get("lead_unit"))
        if not lead_text:
            reasons.append(_("the lead unit is empty"))
        else:
            try:
                lead = units.find(lead_text, "unit")
            except ValueError as exc:
                reasons.append(str(exc))
        coordinating = []
        for name in re.split(r"[;\n]+", _text(get.get("coordinating_units"))):
            if name.strip():
                try:
                    unit = units.find(name.strip(), "unit")
                except ValueError as exc:
                    reasons.append(str(exc))
                else:
                    if lead is not None and unit.pk == lead.pk:
                        reasons.append(
                            _("%(unit)s is both the lead and a coordinating unit") % {"unit": repr(name.strip())}
                        )
                    elif unit not in coordinating:
                        coordinating.append(unit)
        field_obj = None
        if _text(get.get("field")):
            try:
                field_obj = fields_.find(_text(get.get("field")), "field")
            except ValueError as exc:
                reasons.append(str(exc))
        try:
            deadline = parse_deadline(get.get("deadline"))
            validate_record_date(deadline.date)
        except ValueError as exc:
            reasons.append(str(exc))
            deadline = Deadline()
        except ValidationError as exc:
            reasons.append(exc.messages[0])
            deadline = Deadline()
        if deadline.kind == Task.DeadlineKind.REGULAR and not programme.cycles.exists():
            reasons.append(_("a regular deadline needs a reporting cycle on the programme; set one first"))
        upper = None
        upper_code = _text(get.get("upper_task"))
        if upper_code:
            upper = upper_codes.get(upper_code)
            if upper is None:
                reasons.append(_("no task %(code)s in the upper programme") % {"code": repr(upper_code)})
        product = _text(get.get("expected_product"))
        if len(product) > 500:
            reasons.append(_("the product is longer than 500 characters"))
        if len(code) > 32:
            reasons.append(_("the code is longer than 32 characters"))
        if reasons:
            errors.extend((number, reason) for reason in reasons)
            continue
        plans.append(
            RowPlan(
                number,
                {
                    "programme": programme,
                    "code": code,
                    "title": title,
                    "description": _text(get.get("description")),
                    "field": field_obj,
                    "lead_unit": lead,
                    "deadline_kind": deadline.kind,
                    "deadline": deadline.date,
                    "deadline_month": deadline.month,
                    "deadline_day": deadline.day,
                    "expected_product": product,
                    "upper_task": upper,
                    "notes": _text(get.get("notes")),
                },
                coordinating,
            )
        )
    if not plans and not errors:
        errors.append((header_number, _("the file has no task rows")))
    return plans, errors


def import_tasks(path: Path, programme: Programme, *, user=None) -> ImportResult:
    """Check every row; if all are good, create the tasks in one transaction; else create nothing."""
    from hoptac.programmes.services import task_create

    plans, errors = check_file(Path(path), programme)
    result = ImportResult(errors=errors)
    if errors:
        return result
    with transaction.atomic():
        for plan in plans:
            result.created.append(task_create(user=user, coordinating_units=plan.coordinating, **plan.data))
    return result
