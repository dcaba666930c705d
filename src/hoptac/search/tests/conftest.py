import pytest


@pytest.fixture
def seeds(db):
    from hoptac.documents.demo import load_demo
    from hoptac.documents.models import Document

    load_demo()
    return {d.file_name[:3]: d for d in Document.objects.all()}
