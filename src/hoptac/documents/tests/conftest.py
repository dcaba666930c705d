import datetime

import pytest

from hoptac.documents.demo import seed_files


@pytest.fixture
def seeds(db):
    """The five seed articles, ingested as `hoptac demo` does, with partners indexed."""
    from hoptac.documents.demo import load_demo

    load_demo()
    from hoptac.documents.models import Document

    return {d.file_name[:3]: d for d in Document.objects.all()}


@pytest.fixture
def seed_bytes():
    return {p.name[:3]: p.read_bytes() for p in seed_files()}


TODAY = datetime.date(2025, 12, 1)


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are asserted in English (the interface is Vietnamese by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield
