"""Backup and restore of the whole system: the database and the uploaded files, in one tar.gz.

SQLite is copied through its online backup API, so the server may keep running; PostgreSQL
through pg_dump / pg_restore. A restore needs an empty target (no tables, no files), so it can
never overwrite live data."""

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

FORMAT = 1


class BackupError(Exception):
    """A problem the operator can fix: the message says what."""


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def backup(target: Path) -> dict:
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    manifest = {
        "format": FORMAT,
        "engine": connection.vendor,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "files": 0,
    }
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / ("database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump")
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            destination = sqlite3.connect(dump)
            with destination:
                connection.connection.backup(destination)
            destination.close()
        elif connection.vendor == "postgresql":
            args, env = _pg_env()
            subprocess.run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump), *args], check=True, env=env
            )
        else:
            raise BackupError(f"backup of {connection.vendor} databases is not supported")
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(target, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            if media.exists():
                for path in sorted(media.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=f"files/{path.relative_to(media)}")
                        manifest["files"] += 1
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(source: Path) -> dict:
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        raise BackupError(f"{media} is not empty: restore needs an empty data directory")
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore needs an empty database")
    try:
        archive = tarfile.open(source, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source} is not a hoptac backup: {exc}") from exc
    with archive, tempfile.TemporaryDirectory() as tmp:
        try:
            manifest = json.load(archive.extractfile("manifest.json"))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{source} has no valid manifest.json: not a hoptac backup") from exc
        if manifest.get("engine") != connection.vendor:
            raise BackupError(f"backup is of a {manifest.get('engine')} database; this system uses {connection.vendor}")
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(tmp, filter="data")
        if connection.vendor == "sqlite":
            connection.close()
            source_db = sqlite3.connect(Path(tmp) / "database.sqlite3")
            target_db = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            with target_db:
                source_db.backup(target_db)
            source_db.close()
            target_db.execute("PRAGMA journal_mode=WAL")
            target_db.close()
        else:
            args, env = _pg_env()
            subprocess.run(
                [_tool("pg_restore"), "--no-owner", "--exit-on-error", *args, str(Path(tmp) / "database.pgdump")],
                check=True,
                env=env,
            )
        files = Path(tmp) / "files"
        if files.exists():
            shutil.copytree(files, media, dirs_exist_ok=True)
    return manifest
