from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hoptac.web.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and uploaded files to FILE (a .tar.gz); safe while the server runs."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            manifest = backup(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup of the {manifest['engine']} database and {manifest['files']} files written")
        self.stdout.write(str(Path(file).resolve()))
