from django.core.management import call_command
from django.core.management.base import BaseCommand

from hoptac.reference.loaders import load_all


class Command(BaseCommand):
    help = "Load or update the shipped reference data (countries, organisations, provinces, fields, levels)."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        load_all(report=lambda name, n: self.stdout.write(f"{name}: {n} changed"))
