import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hoptac.documents.models import Document
from hoptac.documents.textract import EXTENSIONS


def collect(paths: list[str]) -> list[tuple[Path, str | None]]:
    """Files named, and the supported files inside folders named; (path, reason it cannot be read)."""
    found: list[tuple[Path, str | None]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith(".") and child.suffix.lower() in EXTENSIONS:
                    found.append((child, None))
        elif path.is_file():
            found.append((path, None))
        else:
            found.append((path, "no such file or folder"))
    return found


class Command(BaseCommand):
    help = "Ingest documents (txt, html, docx, pdf) from files and folders. Last line: added N, duplicates N, failed N."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--kind", default=Document.Kind.NEWS, choices=Document.Kind.values)
        parser.add_argument("--unit", default="", help="Code of the owner unit (e.g. BNV-HTQT)")
        parser.add_argument("--source", default="")

    def handle(self, *args, **options):
        from hoptac.documents.services import DuplicateDocument, document_create_from_file
        from hoptac.org.models import Unit

        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"no unit with code {options['unit']!r}")
        files = collect(options["paths"])
        added = duplicates = failed = 0
        total = len(files)
        err = self.stderr
        for number, (path, problem) in enumerate(files, 1):
            reason = problem
            status = ""
            if reason is None:
                try:
                    data = path.read_bytes()
                    document_create_from_file(
                        user=None,
                        name=path.name,
                        data=data,
                        kind=options["kind"],
                        owner_unit=unit,
                        source=options["source"],
                    )
                except DuplicateDocument as exc:
                    duplicates += 1
                    status = f"duplicate of document {exc.existing.pk}"
                except ValidationError as exc:
                    reason = " ".join(exc.messages)
                except OSError as exc:
                    reason = exc.strerror or str(exc)
                else:
                    added += 1
                    status = "added"
            if reason is not None:
                failed += 1
                status = f"failed: {reason}"
            err.write(f"[{number}/{total}] {path}: {status}")
            err.flush()
        self.stdout.write(f"added {added}, duplicates {duplicates}, failed {failed}")
        if failed:
            sys.stderr.write(f"{failed} file(s) could not be ingested (reasons above)\n")
            sys.exit(1)
