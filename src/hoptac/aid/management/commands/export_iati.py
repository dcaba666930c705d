"""`hoptac export-iati [filters] > out.xml` — IATI 2.03 activity XML of the selected projects."""

import sys

from django.core.management.base import BaseCommand, CommandError

from hoptac.aid import selectors
from hoptac.aid.iati_export import export_activities
from hoptac.aid.models import Kind, Status
from hoptac.org.models import User
from hoptac.partners.models import Partner


class Command(BaseCommand):
    help = "Write the projects as IATI 2.03 activity XML on stdout (or --out FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=Kind.values, default="")
        parser.add_argument("--status", choices=Status.values, default="")
        parser.add_argument("--year", type=int, default=None, help="Projects running during this year")
        parser.add_argument("--donor", default="", help="Partner id or acronym of a funding organisation")
        parser.add_argument("--sector", default="", help="DAC code (5 digits or a 3-digit category)")
        parser.add_argument("--published", action="store_true", help="Only projects published on the portal")
        parser.add_argument("--q", default="", help="Words of the title, code or identifier")
        parser.add_argument("--out", default="", help="Write to this file instead of stdout")

    def handle(self, *args, **options):
        donor = None
        if options["donor"]:
            value = options["donor"]
            partner = Partner.objects.filter(pk=int(value)).first() if value.isdigit() else None
            partner = partner or Partner.objects.filter(acronym__iexact=value).first()
            if partner is None:
                raise CommandError(f"no partner '{value}'")
            donor = partner.pk
        # The command runs as the system: every project is visible.
        system = User(role=User.Role.ADMIN, is_superuser=True)
        projects = selectors.project_list(
            system,
            q=options["q"],
            donor=donor,
            kind=options["kind"],
            sector=options["sector"],
            status=options["status"],
            year=options["year"],
            published=True if options["published"] else None,
        )
        if options["out"]:
            with open(options["out"], "wb") as handle:
                exported, skipped = export_activities(projects, handle)
        else:
            exported, skipped = export_activities(projects, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        if skipped:
            self.stderr.write(f"skipped {skipped} project(s) without any date (IATI requires one)")
        self.stderr.write(f"exported {exported} activities")
