"""Loaded with `-p hoptac.testing.pytest_plugin` before Django starts: the test environment.

Tests run in production mode (HOPTAC_DEBUG=0) over plain HTTP, with a throw-away data directory."""

import os
import tempfile

os.environ.setdefault("HOPTAC_DEBUG", "0")
os.environ.setdefault("HOPTAC_HTTPS", "0")
os.environ.setdefault("HOPTAC_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("HOPTAC_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("HOPTAC_STATIC_MANIFEST", "0")
os.environ["HOPTAC_DATA_DIR"] = os.environ.get("HOPTAC_TEST_DATA_DIR") or tempfile.mkdtemp(prefix="hoptac-test-")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import shutil  # noqa: E402

import pytest  # noqa: E402

CHROMIUM = os.environ.get("HOPTAC_CHROMIUM", "/usr/bin/chromium")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def chromium_path() -> str | None:
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def pytest_runtest_setup(item):
    """Outside CI a missing browser or PostgreSQL skips with a reason; in CI it fails."""
    if item.get_closest_marker("browser") and chromium_path() is None:
        if _in_ci():
            pytest.fail("CI=true but Debian's chromium is not installed: browser tests cannot run", pytrace=False)
        pytest.skip("browser test: install Debian's chromium (apt-get install chromium) to run it")
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            if os.environ.get("HOPTAC_REQUIRE_POSTGRES") == "1":
                pytest.fail("HOPTAC_REQUIRE_POSTGRES=1 but DATABASE_URL does not point to PostgreSQL", pytrace=False)
            pytest.skip("PostgreSQL test: runs when DATABASE_URL points to PostgreSQL (the second pass of .ci/run)")


# ---- browser fixtures, shared by every browser test (one Playwright per test session: two
# sync_playwright() instances in one process collide on the event loop) ----------------------

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


@pytest.fixture
def english_messages(settings):
    """Messages are asserted in English: requests and code run in English unless a test
    chooses Vietnamese (the interface's default)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
