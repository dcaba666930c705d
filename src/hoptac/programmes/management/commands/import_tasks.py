"""`hoptac import-tasks FILE.xlsx|FILE.csv --programme 153/NQ-CP`: add a programme's tasks from a
spreadsheet. Every row is checked first; on any bad row it prints `row N: reason` for each one,
imports nothing and exits 1. The template is in docs/programmes.md."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from hoptac.programmes.importer import TEMPLATE, UnreadableFile, import_tasks
from hoptac.programmes.models import Programme


class Command(BaseCommand):
    help = "Import programme tasks from an XLSX or CSV file; nothing is imported unless every row is good."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="an .xlsx or .csv file whose first row names the columns")
        parser.add_argument(
            "--programme",
            help="the programme: its document number (e.g. 153/NQ-CP) or id; "
            "may be left out when there is only one programme",
        )
        parser.add_argument("--template", action="store_true", help="print the template's columns and exit")

    def handle(self, *args, file, programme=None, template=False, **options):
        if template:
            for english, vietnamese, required in TEMPLATE:
                self.stdout.write(f"{english} / {vietnamese}{' (required)' if required else ''}")
            return
        if not file:
            raise CommandError("give the file to import (.xlsx or .csv)")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        target = self._programme(programme)
        try:
            with translation.override("en"):  # the command's output is English, as scripts expect
                result = import_tasks(path, target)
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            for number, reason in result.errors:
                self.stdout.write(f"row {number}: {reason}")
            rows = len({n for n, _ in result.errors})
            sys.stderr.write(f"{rows} bad rows; nothing imported\n")
            sys.exit(1)
        self.stdout.write(f"imported {len(result.created)} tasks into {target}")

    def _programme(self, value: str | None) -> Programme:
        if not value:
            programmes = list(Programme.objects.all()[:2])
            if len(programmes) == 1:
                return programmes[0]
            raise CommandError("say which programme with --programme (its document number or id)")
        queryset = Programme.objects.filter(document_number__iexact=value.strip())
        if value.isdigit():
            queryset = queryset | Programme.objects.filter(pk=int(value))
        found = list(queryset[:2])
        if len(found) != 1:
            raise CommandError(
                f"no programme {value!r}" if not found else f"several programmes are {value!r}: use the id"
            )
        return found[0]
