import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rendered portal pages are cached: every test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()
