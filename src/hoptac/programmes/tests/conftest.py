"""Fixtures of this app's tests: a fixed day, a small programme, and (for the browser test) the
same Playwright fixtures tests/conftest.py gives the top-level browser tests."""

import datetime

import pytest

from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.programmes.models import Programme, ReportingCycle, Task

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def today() -> datetime.date:
    return TODAY


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.create(
        title="Kế hoạch thử",
        document_number="1/KH-T",
        document_date=datetime.date(2025, 6, 1),
        issuer="Bộ Nội vụ",
        implements_number="153/NQ-CP",
    )


@pytest.fixture
def cycle(programme) -> ReportingCycle:
    return ReportingCycle.objects.create(
        programme=programme, frequency=ReportingCycle.Frequency.SIX_MONTHLY, due_day=15, remind_days_after=[1, 7]
    )


@pytest.fixture
def field_culture(db) -> Field:
    return Field.objects.get(code="culture")


@pytest.fixture
def make_task(programme, unit_a):
    def make(**values) -> Task:
        coordinating = values.pop("coordinating_units", [])
        values.setdefault("title", "Một nhiệm vụ")
        values.setdefault("lead_unit", unit_a)
        values.setdefault("programme", programme)
        task = Task.objects.create(**values)
        task.coordinating_units.set(coordinating)
        return task

    return make


@pytest.fixture
def other_ministry(db) -> Unit:
    return Unit.objects.get(code="BYT")


# ---- browser ------------------------------------------------------------------------------
