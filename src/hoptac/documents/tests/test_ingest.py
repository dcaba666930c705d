import io

import pytest
from django.core.management import call_command

from hoptac.documents.demo import SEEDS
from hoptac.documents.models import Document

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_ingest_a_folder_then_again_reports_duplicates():
    code, out, err = _run(str(SEEDS))
    assert code == 0
    assert out.strip().splitlines()[-1] == "added 5, duplicates 0, failed 0"
    assert "[5/5]" in err
    code, out, _ = _run(str(SEEDS))
    assert out.strip().splitlines()[-1] == "added 0, duplicates 5, failed 0"
    assert Document.objects.count() == 5


def test_failures_are_reported_with_reasons_and_the_rest_is_added(tmp_path):
    (tmp_path / "good.txt").write_text("Hợp tác quốc tế", encoding="utf-8")
    (tmp_path / "fake.pdf").write_bytes(b"hello")
    code, out, err = _run(str(tmp_path / "good.txt"), str(tmp_path / "fake.pdf"), str(tmp_path / "missing.txt"))
    assert code == 1
    assert out.strip().splitlines()[-1] == "added 1, duplicates 0, failed 2"
    assert "fake.pdf: failed: This is not a PDF file" in err
    assert "missing.txt: failed: no such file or folder" in err
    assert Document.objects.count() == 1


def test_demo_loads_the_seeds_once(seeds):
    from hoptac.documents.demo import load_demo

    assert sorted(seeds) == ["000", "001", "002", "003", "004"]
    load_demo()
    assert Document.objects.count() == 5
    assert seeds["000"].published_on.isoformat() == "2025-11-27"
    assert seeds["002"].language == "vi" and seeds["000"].language == "en"
