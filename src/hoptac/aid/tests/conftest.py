import pytest

# The browser fixtures of tests/conftest.py, for this app's browser test beside the app.
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


@pytest.fixture(autouse=True)
def shipped_rates(request):
    """The shipped rate table, which a migration loads, is emptied by any transactional test
    that ran before (the database is flushed after those): put it back for each aid test."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not {"db", "transactional_db"} & names:
        return
    transactional = "transactional_db" in names or (marker is not None and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from hoptac.aid.rates import load_shipped_rates

    load_shipped_rates()


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
