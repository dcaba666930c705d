import threading

import pytest
from django.db import connection, connections

from hoptac.audit.services import ConflictError, record_create, record_update
from hoptac.partners.models import Partner


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_on_postgresql_one_wins_one_conflicts(reference_data):
    assert connection.vendor == "postgresql"
    partner = record_create(Partner(kind="ngo", name_vi="Song song", name_en="Parallel"), user=None)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(name):
        try:
            barrier.wait()
            record_update(Partner.objects.get(pk=partner.pk), user=None, expected_version=1, changes={"name_en": name})
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(f"writer {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    partner.refresh_from_db()
    assert partner.version == 2


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
