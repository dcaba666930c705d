import pytest


@pytest.fixture(autouse=True)
def english_messages(settings):
    """Messages are asserted in English: requests and code run in English unless a test
    chooses Vietnamese (the interface's default)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
