"""The history rows an IATI import writes (copied by the database from the rows just written)
are those simple-history would write: one per project and per transaction, the import as reason."""

import pytest

from hoptac.aid.iati_import import Importer
from hoptac.aid.models import Project, Transaction
from hoptac.aid.tests.test_iati import _activity, _file

pytestmark = pytest.mark.django_db


def test_import_writes_created_history_rows_equal_to_the_records(tmp_path, editor):
    path = _file(tmp_path, _activity("H-1"), _activity("H-2", extra="<sector code='15110' percentage='0'/>"))
    assert Importer(user=editor).import_file(path).ok
    for p in Project.objects.all():
        (row,) = p.history.all()
        assert (row.history_type, row.history_change_reason, row.history_user_id) == ("+", "IATI import", editor.pk)
        assert (row.title_en, row.title_vi, row.iati_identifier, row.version) == (
            p.title_en,
            p.title_vi,
            p.iati_identifier,
            p.version,
        )
        assert (row.planned_start, row.status, row.created_at) == (p.planned_start, p.status, p.created_at)
    for tx in Transaction.objects.all():
        (row,) = tx.history.all()
        assert (row.history_type, row.history_change_reason, row.history_user_id) == ("+", "IATI import", editor.pk)
        assert (row.value, row.value_vnd, row.value_usd, row.rate_month, row.date, row.project_id) == (
            tx.value,
            tx.value_vnd,
            tx.value_usd,
            tx.rate_month,
            tx.date,
            tx.project_id,
        )


def test_reimport_adds_a_changed_row_and_the_history_reads(tmp_path, editor, api, logged_in):
    assert Importer(user=editor).import_file(_file(tmp_path, _activity("H-1"))).ok
    changed = _activity("H-1").replace("Title H-1", "New title")
    assert Importer(user=editor).import_file(_file(tmp_path, changed, name="g.xml")).ok
    p = Project.objects.get()
    assert p.title_en == "New title" and p.version == 2
    latest, first = p.history.order_by("-history_id")
    assert (latest.history_type, latest.title_en, latest.version) == ("~", "New title", 2)
    assert (first.history_type, first.title_en, first.version) == ("+", "Title H-1", 1)
    entries = api(editor).get(f"/api/v1/projects/{p.pk}/history").json()
    assert len(entries) == 2
    client = logged_in(editor)
    assert client.get(p.get_absolute_url(), {"tab": "history"}).status_code == 200
    tx = p.transactions.get()
    assert len(api(editor).get(f"/api/v1/transactions/{tx.pk}/history").json()) == 1


def test_the_larger_page_cache_lasts_only_while_a_file_is_imported(tmp_path):
    from django.db import connection

    from hoptac.aid import iati_import

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    if connection.vendor != "sqlite":
        pytest.skip("an SQLite setting")
    before = cache_size()
    seen = []
    Importer(progress=lambda *_: seen.append(cache_size())).import_file(_file(tmp_path, _activity("C-1")))
    assert seen and set(seen) == {-iati_import.SQLITE_CACHE_KIB} and cache_size() == before
