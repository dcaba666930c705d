"""`hoptac rates import FILE.csv` — add or replace monthly exchange rates (all or nothing);
`hoptac rates list [--currency C]` — print the table."""

from django.core.management.base import BaseCommand, CommandError

from hoptac.aid.models import ExchangeRate
from hoptac.aid.rates import RateFileError, import_rates


class Command(BaseCommand):
    help = "Exchange rates: import a CSV file (currency,month,vnd_per_unit,source) or list the table."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Add or replace the rates of a CSV file; a bad row imports nothing.")
        imp.add_argument("file")
        lst = sub.add_parser("list", help="Print the rates held.")
        lst.add_argument("--currency", default="")

    def handle(self, *args, **options):
        if options["action"] == "import":
            try:
                added, updated = import_rates(options["file"])
            except RateFileError as exc:
                for error in exc.errors:
                    self.stderr.write(error)
                raise CommandError(f"{len(exc.errors)} bad row(s); nothing imported") from exc
            self.stdout.write(f"rates: {added} added, {updated} updated")
            return
        rates = ExchangeRate.objects.order_by("currency", "month")
        if options["currency"]:
            rates = rates.filter(currency=options["currency"].upper())
        for rate in rates:
            self.stdout.write(f"{rate.currency},{rate.month:%Y-%m},{rate.vnd_per_unit.normalize():f},{rate.source}")
