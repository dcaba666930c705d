"""Backup then restore into an empty data directory gives the same API output."""

import json
import os
import subprocess
import sys
import uuid

import pytest

DUMP_API = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoptac.config.settings")
django.setup()
from django.test import Client
from hoptac.org.models import User
client = Client()
client.force_login(User.objects.get(username="demo"))
out = {}
paths = ["/api/v1/partners?limit=1000", "/api/v1/units?limit=1000", "/api/v1/partners/level-counts?as_of=2025-11-30"]
paths += [f"/api/v1/{c}?limit=1000" for c in (
    "agreements", "events", "delegations", "projects", "transactions", "programmes", "tasks", "documents"
)]
for path in paths:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    out[path] = response.json()
print(json.dumps(out, sort_keys=True))
"""


def _env(data_dir, database_url=None):
    env = {k: v for k, v in os.environ.items() if k not in ("HOPTAC_DATA_DIR", "DATABASE_URL")}
    env.update(
        {
            "HOPTAC_DATA_DIR": str(data_dir),
            "HOPTAC_DEMO_PASSWORD": "backup-Test-1",
            "HOPTAC_ALLOWED_HOSTS": "testserver",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _hoptac(env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "hoptac.cli", *args], capture_output=True, text=True, env=env, check=False
    )
    return result


def _api_output(env):
    result = subprocess.run([sys.executable, "-c", DUMP_API], capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout)


def _round_trip(tmp_path, source_url=None, target_url=None):
    source, target = tmp_path / "a", tmp_path / "b"
    env_a, env_b = _env(source, source_url), _env(target, target_url)
    assert _hoptac(env_a, "demo").returncode == 0
    (source / "files").mkdir(exist_ok=True)
    (source / "files" / "note.txt").write_text("an uploaded file")
    archive = tmp_path / "backup.tar.gz"
    made = _hoptac(env_a, "backup", str(archive))
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().splitlines()[-1] == str(archive.resolve())
    restored = _hoptac(env_b, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert (target / "files" / "note.txt").read_text() == "an uploaded file"
    before, after = _api_output(env_a), _api_output(env_b)
    assert after == before
    assert after["/api/v1/partners?limit=1000"]["count"] > 200
    # Every record type of the demo came back, not only the registry.
    assert all(after[f"/api/v1/{c}?limit=1000"]["count"] > 0 for c in ("agreements", "events", "projects", "tasks"))
    # A second restore onto the now non-empty target is refused, in one line.
    again = _hoptac(env_b, "restore", str(archive))
    assert again.returncode != 0 and "not empty" in again.stderr and "Traceback" not in again.stderr


def test_sqlite_backup_and_restore_round_trip(tmp_path):
    _round_trip(tmp_path)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    result = _hoptac(_env(tmp_path / "c"), "restore", str(bogus))
    assert result.returncode != 0 and "not a hoptac backup" in result.stderr


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_backup_and_restore_round_trip(tmp_path):
    import psycopg
    from django.db import connection

    settings_dict = connection.settings_dict
    user, host = settings_dict["USER"] or "postgres", settings_dict["HOST"] or "127.0.0.1"
    base = f"postgres://{user}@{host}:{settings_dict['PORT'] or 5432}"
    names = [f"hoptac_bk_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    admin = psycopg.connect(f"{base}/postgres", autocommit=True)
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        _round_trip(tmp_path, f"{base}/{names[0]}", f"{base}/{names[1]}")
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
