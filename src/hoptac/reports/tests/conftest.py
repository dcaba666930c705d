"""Fixed data for the reports tests: a few records of each type that has landed, in 2025."""

import datetime
import hashlib

import pytest

from hoptac.reports.figures import model

TODAY = datetime.date(2025, 12, 15)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def today() -> datetime.date:
    return TODAY


@pytest.fixture
def records(db, unit_a, unit_b):
    """Documents, events and delegations (what exists of them) spread over 2024-2025 and two units."""
    from hoptac.documents.models import Document
    from hoptac.partners.models import Partner

    made: dict[str, list] = {"documents": [], "events": [], "delegations": []}
    ilo = Partner.objects.filter(acronym="ILO").first()
    for i, (day, unit) in enumerate(
        [
            (datetime.date(2025, 2, 3), unit_a),
            (datetime.date(2025, 6, 30), unit_a),
            (datetime.date(2025, 11, 27), unit_b),
            (datetime.date(2024, 12, 31), unit_a),
        ]
    ):
        made["documents"].append(
            Document.objects.create(
                title=f"Document {i}", published_on=day, owner_unit=unit, format="txt", content_hash=_hash(f"d{i}")
            )
        )
    Event = model("activities", "Event")
    if Event is not None:
        specs = [
            ("policy_dialogue", datetime.date(2025, 11, 27), unit_a, "held"),
            ("workshop", datetime.date(2025, 8, 14), unit_a, "reported"),
            ("training_course", datetime.date(2025, 3, 10), unit_b, "planned"),
            ("conference", datetime.date(2025, 5, 5), unit_a, "cancelled"),
            ("workshop", datetime.date(2024, 10, 1), unit_a, "held"),
        ]
        for i, (kind, day, unit, status) in enumerate(specs):
            event = Event.objects.create(
                kind=kind, title_vi=f"Sự kiện {i}", start_date=day, end_date=day, organiser_unit=unit, status=status
            )
            if ilo and i == 0:
                event.co_organisers.add(ilo)
            made["events"].append(event)
    Delegation = model("activities", "Delegation")
    if Delegation is not None:
        from hoptac.reference.models import Country

        france, japan = Country.objects.get(iso2="FR"), Country.objects.get(iso2="JP")
        specs = [
            ("outgoing", datetime.date(2025, 10, 3), unit_a, "returned", france),
            ("outgoing", datetime.date(2025, 4, 1), unit_b, "approved", japan),
            ("incoming", datetime.date(2025, 9, 9), unit_a, "returned", france),
            ("outgoing", datetime.date(2024, 10, 3), unit_a, "reported", france),
        ]
        for i, (direction, day, unit, status, country) in enumerate(specs):
            delegation = Delegation.objects.create(
                direction=direction,
                title_vi=f"Đoàn {i}",
                owner_unit=unit,
                start_date=day,
                end_date=day + datetime.timedelta(days=4),
                status=status,
            )
            delegation.legs.create(country=country, start_date=day, end_date=day + datetime.timedelta(days=4))
            made["delegations"].append(delegation)
    return made


# The browser fixtures of tests/conftest.py, for the browser test beside this app.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from hoptac.testing.pytest_plugin import chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", accept_downloads=True)
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
