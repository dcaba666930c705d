import datetime
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hoptac.documents.extraction import extract_mentions
from hoptac.documents.textract import ExtractionError, detect_language, extract


class Command(BaseCommand):
    help = "Print the mentions found in files, one JSON object per file (JSON Lines). Stores nothing."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--json", action="store_true", help="JSON Lines output (the only format; accepted for clarity)"
        )
        parser.add_argument("--date", help="Read dates without a year against this date (YYYY-MM-DD)")

    def handle(self, *args, **options):
        doc_date = None
        if options["date"]:
            try:
                doc_date = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from exc
        failed = 0
        for name in options["files"]:
            path = Path(name)
            try:
                text = extract(path.name, path.read_bytes()).text
            except (OSError, ExtractionError) as exc:
                failed += 1
                self.stderr.write(f"{name}: {getattr(exc, 'strerror', None) or exc}")
                continue
            lang = detect_language(text)
            mentions = extract_mentions(text, lang=lang, doc_date=doc_date)
            self.stdout.write(json.dumps({"file": name, "lang": lang, "mentions": mentions}, ensure_ascii=False))
        if failed:
            sys.stderr.write(f"{failed} file(s) could not be read\n")
            sys.exit(1)
