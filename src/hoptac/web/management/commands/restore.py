from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hoptac.web.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup written by `hoptac backup` into an empty data directory and database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            manifest = restore(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the backup of {manifest['created_at']} ({manifest['files']} files)")
