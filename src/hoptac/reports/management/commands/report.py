"""hoptac report KIND --from YYYY-MM-DD --to YYYY-MM-DD --format docx|xlsx|pdf [--lang vi|en] [--out FILE]

Writes the report; progress goes to stderr, and the last line on stdout is the file's path."""

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hoptac.reports.builder import FORMATS, KINDS, LANGUAGES, build_report, file_name
from hoptac.reports.figures import Filters
from hoptac.reports.renderers import render


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Write a periodic report (annual, semiannual, agreements, programme-progress) as DOCX, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(KINDS))
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", required=True, help="docx, xlsx or pdf")
        parser.add_argument("--lang", default="vi", help="vi (default) or en")
        parser.add_argument("--out", default="", help="file to write (default: a name in the current directory)")
        parser.add_argument("--unit", default="", help="unit code or id to report on (default: the whole ministry)")
        parser.add_argument("--today", default="", help="the day the report is dated (default: today)")

    def handle(self, *args, kind, date_from, date_to, fmt, lang, out, unit, today, **options):
        if kind not in KINDS:
            raise CommandError(f"unknown report kind {kind!r}; choose one of: {', '.join(KINDS)}")
        if fmt not in FORMATS:
            raise CommandError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        if lang not in LANGUAGES:
            raise CommandError(f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
        start, end = _date(date_from), _date(date_to)
        if end < start:
            raise CommandError("--to is before --from")
        unit_obj = None
        if unit:
            from hoptac.org.models import Unit

            unit_obj = (Unit.objects.filter(pk=int(unit)) if unit.isdigit() else Unit.objects.filter(code=unit)).first()
            if unit_obj is None:
                raise CommandError(f"unknown unit {unit!r}")
        day = _date(today) if today else timezone.localdate()
        filters = Filters(start, end, unit_obj)

        def progress(done: int, total: int, title: str) -> None:
            sys.stderr.write(f"[{done}/{total}] {title}\n")
            sys.stderr.flush()

        report = build_report(kind, filters, lang=lang, today=day, progress=progress)
        sys.stderr.write(f"rendering {fmt.upper()}\n")
        data = render(report, fmt)
        path = Path(out) if out else Path.cwd() / file_name(kind, filters, lang, fmt)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
        self.stdout.write(str(path.resolve()))
