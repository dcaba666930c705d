"""Exchange rates: the monthly table, conversion of an amount to VND and USD, and CSV import.

A rate is the value in VND of one unit of a currency for a month. An amount is converted at
the rate of its value date's month (or the latest earlier month the table has); the USD value
goes through VND: usd = amount * vnd_per_unit(currency) / vnd_per_unit(USD), both of that month."""

import bisect
import csv
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from hoptac.aid.models import CENT, ExchangeRate

SHIPPED_RATES = Path(__file__).resolve().parent / "data" / "exchange-rates.csv"
USD_PLACES = Decimal("0.0000000001")


@dataclass(frozen=True)
class Conversion:
    month: datetime.date
    rate_vnd: Decimal  # VND per unit of the currency
    rate_usd: Decimal  # USD per unit of the currency
    value_vnd: Decimal
    value_usd: Decimal


class RateTable:
    """The rate table held in memory, for converting many amounts (an import) quickly."""

    def __init__(self, rows=None):
        if rows is None:
            rows = ExchangeRate.objects.order_by("currency", "month").values_list("currency", "month", "vnd_per_unit")
        self._months: dict[str, list[datetime.date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, month, rate in rows:
            self._months.setdefault(currency, []).append(month)
            self._rates.setdefault(currency, []).append(Decimal(rate))

    def vnd_per_unit(self, currency: str, day: datetime.date) -> tuple[datetime.date, Decimal] | None:
        month = day.replace(day=1)
        if currency == "VND":
            return month, Decimal(1)
        months = self._months.get(currency)
        if not months:
            return None
        i = bisect.bisect_right(months, month) - 1
        if i < 0:
            return None
        return months[i], self._rates[currency][i]

    def rates(self, currency: str, day: datetime.date) -> tuple[datetime.date, Decimal, Decimal, Decimal] | None:
        """(month, VND per unit, USD per unit, VND per USD) for an amount of that day, or None when
        the table has no rate for that currency and date."""
        own = self.vnd_per_unit(currency, day)
        usd = self.vnd_per_unit("USD", day)
        if own is None or usd is None:
            return None
        month, rate_vnd = own
        rate_usd = (Decimal(1) if currency == "USD" else rate_vnd / usd[1]).quantize(USD_PLACES, ROUND_HALF_UP)
        return month, rate_vnd, rate_usd, usd[1]

    def convert(self, value: Decimal, currency: str, day: datetime.date) -> Conversion | None:
        """Rates and converted values, or None when the table has no rate for that currency and date."""
        found = self.rates(currency, day)
        if found is None:
            return None
        month, rate_vnd, rate_usd, vnd_per_usd = found
        return Conversion(
            month=month,
            rate_vnd=rate_vnd,
            rate_usd=rate_usd,
            value_vnd=(value * rate_vnd).quantize(CENT, ROUND_HALF_UP),
            value_usd=(value if currency == "USD" else value * rate_vnd / vnd_per_usd).quantize(CENT, ROUND_HALF_UP),
        )


class RateFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def read_rates_csv(path: Path | str) -> list[dict]:
    """Rows of a rates file (`currency,month,vnd_per_unit,source`, month as YYYY-MM); every bad row
    is reported as `row N: reason` and none is returned if any is bad."""
    rows, errors = [], []
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        raise RateFileError([f"cannot read {path}: {exc.strerror}"]) from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = {"currency", "month", "vnd_per_unit"} - set(reader.fieldnames or [])
        if missing:
            raise RateFileError([f"row 1: missing column(s) {', '.join(sorted(missing))}"])
        for n, row in enumerate(reader, start=2):
            currency = (row.get("currency") or "").strip().upper()
            if len(currency) != 3 or not currency.isalpha():
                errors.append(f"row {n}: currency '{currency}' is not a 3-letter ISO 4217 code")
                continue
            try:
                month = datetime.date.fromisoformat((row.get("month") or "").strip()[:7] + "-01")
            except ValueError:
                errors.append(f"row {n}: month '{row.get('month')}' is not YYYY-MM")
                continue
            try:
                rate = Decimal((row.get("vnd_per_unit") or "").strip().replace(",", ""))
            except InvalidOperation:
                errors.append(f"row {n}: vnd_per_unit '{row.get('vnd_per_unit')}' is not a number")
                continue
            if not rate.is_finite() or rate <= 0:
                errors.append(f"row {n}: vnd_per_unit must be positive")
                continue
            rows.append(
                {"currency": currency, "month": month, "vnd_per_unit": rate, "source": (row.get("source") or "")[:500]}
            )
    if errors:
        raise RateFileError(errors)
    return rows


def import_rates(path: Path | str) -> tuple[int, int]:
    """Add or replace the rates of a file, all or nothing. Returns (added, updated)."""
    rows = read_rates_csv(path)
    added = updated = 0
    with transaction.atomic():
        existing = {(r.currency, r.month): r for r in ExchangeRate.objects.all()}
        for row in rows:
            rate = existing.get((row["currency"], row["month"]))
            if rate is None:
                rate = ExchangeRate.objects.create(**row)
                existing[(rate.currency, rate.month)] = rate
                added += 1
            elif rate.vnd_per_unit != row["vnd_per_unit"] or rate.source != row["source"]:
                rate.vnd_per_unit, rate.source = row["vnd_per_unit"], row["source"]
                rate.save(update_fields=["vnd_per_unit", "source"])
                updated += 1
    return added, updated


def load_shipped_rates() -> tuple[int, int]:
    return import_rates(SHIPPED_RATES)
