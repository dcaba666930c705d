"""`hoptac import-iati FILE...` — import IATI 2.01-2.03 activity files, each all or nothing.

Exit 1 if any file was rejected. Last line:
`activities: N imported, N updated, N rejected; files: N ok, N rejected`."""

import sys

from django.core.management.base import BaseCommand, CommandError

from hoptac.aid.iati_import import Importer
from hoptac.org.models import Unit


class Command(BaseCommand):
    help = "Import IATI activity XML files (streaming, validated, all or nothing per file, re-runnable)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--owner-unit", default="", help="Code of the unit that owns new projects")
        parser.add_argument("--quiet", action="store_true", help="No progress bar and no warnings")
        parser.add_argument("--max-warnings", type=int, default=20, help="Warnings printed per file")
        parser.add_argument(
            "--no-index", action="store_true", help="Do not add the projects to the search index (run hoptac reindex)"
        )

    def handle(self, *args, **options):
        owner_unit = None
        if options["owner_unit"]:
            owner_unit = Unit.objects.filter(code=options["owner_unit"]).first()
            if owner_unit is None:
                raise CommandError(f"no unit with code {options['owner_unit']}")
        show_progress = not options["quiet"] and sys.stderr.isatty()
        importer = Importer(
            owner_unit=owner_unit,
            progress=self._progress if show_progress else None,
            index=not options["no_index"],
            index_progress=self._index_progress if show_progress else None,
        )
        totals = {"imported": 0, "updated": 0, "rejected": 0, "ok": 0, "bad": 0}
        for path in options["files"]:
            self._current = path
            self._indexing = False
            try:
                result = importer.import_file(path)
            except KeyboardInterrupt:
                if importer.committed:  # stopped while the search index was written
                    self.stderr.write(f"\n{path}: interrupted; imported, not all in the search index (hoptac reindex)")
                else:
                    # The file's transaction has rolled back; files before it are committed.
                    self.stderr.write(f"\n{path}: interrupted; nothing of this file was kept")
                sys.exit(130)
            if show_progress:
                sys.stderr.write("\n")
            if result.ok:
                totals["ok"] += 1
                self.stdout.write(
                    f"{path}: ok, {result.imported} imported, {result.updated} updated"
                    + (f", {result.warning_count} warning(s)" if result.warning_count else "")
                )
                if not options["quiet"]:
                    for warning in result.warnings[: options["max_warnings"]]:
                        self.stdout.write(f"  warning: {warning}")
                    if result.warning_count > options["max_warnings"]:
                        self.stdout.write(f"  ... {result.warning_count - options['max_warnings']} more warning(s)")
            else:
                totals["bad"] += 1
                self.stderr.write(f"{path}: rejected: {result.error}")
            totals["imported"] += result.imported
            totals["updated"] += result.updated
            totals["rejected"] += result.rejected
        self.stdout.write(
            f"activities: {totals['imported']} imported, {totals['updated']} updated, {totals['rejected']} rejected; "
            f"files: {totals['ok']} ok, {totals['bad']} rejected"
        )
        if totals["bad"]:
            sys.stdout.flush()
            sys.exit(1)

    def _progress(self, done: int, size: int, activities: int) -> None:
        self._bar(done, size, f"{activities} activities")

    def _index_progress(self, done: int, total: int) -> None:
        if not self._indexing:
            self._indexing = True
            sys.stderr.write("\n")  # the reading bar stays on its line, at 100%
        self._bar(done, total, f"{done} of {total} projects in the search index")

    def _bar(self, done: int, size: int, what: str) -> None:
        width = 30
        filled = min(int(width * done / size) if size else width, width)
        percent = min(100 * done // max(size, 1), 100)
        sys.stderr.write(f"\r{self._current}: [{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {what}")
        sys.stderr.flush()
