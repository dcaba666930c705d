import pytest


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


@pytest.fixture
def english_messages(settings):
    """Messages are asserted in English: requests and code run in English unless a test
    chooses Vietnamese (the interface's default)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
