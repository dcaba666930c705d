import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from hoptac.aid.models import ExchangeRate
from hoptac.aid.rates import RateTable

TABLE = RateTable(
    [
        ("EUR", datetime.date(2024, 1, 1), Decimal("27000")),
        ("EUR", datetime.date(2024, 2, 1), Decimal("27500")),
        ("USD", datetime.date(2024, 1, 1), Decimal("25000")),
    ]
)


def test_vnd_is_one_and_usd_through_vnd():
    c = TABLE.convert(Decimal("100"), "EUR", datetime.date(2024, 1, 20))
    assert c.month == datetime.date(2024, 1, 1)
    assert c.value_vnd == Decimal("2700000.00")
    assert c.value_usd == Decimal("108.00")
    assert c.rate_usd == Decimal("1.08")
    v = TABLE.convert(Decimal("25000"), "VND", datetime.date(2024, 1, 5))
    assert v.value_vnd == Decimal("25000.00") and v.value_usd == Decimal("1.00")
    u = TABLE.convert(Decimal("3"), "USD", datetime.date(2024, 1, 5))
    assert u.value_usd == Decimal("3.00") and u.rate_usd == 1


def test_latest_earlier_month_is_used_and_none_before_the_table():
    c = TABLE.convert(Decimal("1"), "EUR", datetime.date(2024, 7, 1))
    assert c.month == datetime.date(2024, 2, 1) and c.value_vnd == Decimal("27500.00")
    assert TABLE.convert(Decimal("1"), "EUR", datetime.date(2023, 12, 31)) is None
    assert TABLE.convert(Decimal("1"), "JPY", datetime.date(2024, 1, 1)) is None


amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("1e12"), places=2, allow_nan=False)


@settings(max_examples=200)
@given(a=amounts, b=amounts, currency=st.sampled_from(["EUR", "USD", "VND"]))
def test_conversion_is_additive_to_the_cent_and_decimal(a, b, currency):
    day = datetime.date(2024, 2, 10)
    ca, cb, cab = (TABLE.convert(x, currency, day) for x in (a, b, a + b))
    for name in ("value_vnd", "value_usd"):
        assert isinstance(getattr(cab, name), Decimal)
        assert abs(getattr(ca, name) + getattr(cb, name) - getattr(cab, name)) <= Decimal("0.01")
    # VND first then USD gives the same USD amount (to the cent) as converting directly.
    assert abs(cab.value_vnd / Decimal("25000") - cab.value_usd) <= Decimal("0.01")


@settings(max_examples=100)
@given(a=amounts)
def test_usd_and_vnd_are_identities(a):
    day = datetime.date(2024, 1, 1)
    assert TABLE.convert(a, "USD", day).value_usd == a
    assert TABLE.convert(a, "VND", day).value_vnd == a


@pytest.mark.django_db
def test_shipped_rates_are_loaded_for_the_demo_currencies():
    for currency in ("USD", "EUR"):
        months = set(ExchangeRate.objects.filter(currency=currency).values_list("month", flat=True))
        assert {datetime.date(y, m, 1) for y in range(2018, 2027) for m in range(1, 13)} <= months
    assert "demo approximation" in ExchangeRate.objects.first().source


@pytest.mark.django_db
def test_rates_import_command(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("currency,month,vnd_per_unit,source\nJPY,2024-01,170.5,test\nUSD,2024-01,25001,test\n")
    call_command("rates", "import", str(path))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "rates: 1 added, 1 updated"
    assert ExchangeRate.objects.get(currency="JPY").vnd_per_unit == Decimal("170.5")
    call_command("rates", "import", str(path))
    assert capsys.readouterr().out.strip() == "rates: 0 added, 0 updated"


@pytest.mark.django_db
def test_rates_import_refuses_a_bad_file_entirely(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("currency,month,vnd_per_unit\nGBP,2024-01,33000\nXX,2024-01,1\nGBP,2024-13,1\nGBP,2024-02,-4\n")
    with pytest.raises(CommandError, match="3 bad row"):
        call_command("rates", "import", str(path))
    err = capsys.readouterr().err
    assert "row 3: currency 'XX'" in err and "row 4: month" in err and "row 5: vnd_per_unit must be positive" in err
    assert not ExchangeRate.objects.filter(currency="GBP").exists()
