"""Fixtures of this app's tests: a fixed day, a small programme, and (for the browser test) the
same Playwright fixtures tests/conftest.py gives the top-level browser tests."""

import datetime

import pytest

from hoptac.fields.models import Field
from hoptac.org.models import Unit
from hoptac.programmes.models import Programme, ReportingCycle, Task
from hoptac.testing.pytest_plugin import chromium_path

TODAY = datetime.date(2026, 3, 10)

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


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


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests start from an emptied database: put the reference data back."""
    from hoptac.org.demo import load_demo_units
    from hoptac.reference.loaders import load_all

    load_all()
    return load_demo_units()
