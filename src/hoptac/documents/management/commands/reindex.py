from django.core.management.base import BaseCommand, CommandError

from hoptac.search import registry
from hoptac.search.index import reindex


class Command(BaseCommand):
    help = "Rebuild the search index from the database (all record types, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("types", nargs="*", metavar="TYPE", help="document, partner, ...")

    def handle(self, *args, **options):
        known = [e.type for e in registry.entries()]
        unknown = [t for t in options["types"] if t not in known]
        if unknown:
            raise CommandError(f"unknown type(s) {', '.join(unknown)}; known: {', '.join(known)}")

        def progress(type_name, done, total):
            self.stderr.write(f"{type_name}: {done}/{total}")

        counts = reindex(options["types"] or None, progress=progress)
        self.stdout.write("indexed " + ", ".join(f"{n} {t}" for t, n in counts.items()))
