import pytest


@pytest.fixture(autouse=True)
def english_messages(request):
    """Messages are asserted in English; the browser test keeps the interface's default,
    Vietnamese, as a user sees it."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    from django.utils import translation

    settings = request.getfixturevalue("settings")
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
