"""Load the shipped monthly exchange rates (demo approximations, see aid/data/README.md)."""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.db import migrations

RATES = Path(__file__).resolve().parent.parent / "data" / "exchange-rates.csv"


def load(apps, schema_editor):
    ExchangeRate = apps.get_model("aid", "ExchangeRate")
    existing = set(ExchangeRate.objects.values_list("currency", "month"))
    rows = []
    with open(RATES, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            month = datetime.date.fromisoformat(row["month"] + "-01")
            if (row["currency"], month) not in existing:
                rows.append(
                    ExchangeRate(
                        currency=row["currency"], month=month, vnd_per_unit=Decimal(row["vnd_per_unit"]), source=row["source"]
                    )
                )
    ExchangeRate.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("aid", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
