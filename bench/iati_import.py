"""IATI import benchmark: activities per second and peak memory of

  1. raw lxml iterparse over the file (read each activity, clear it): the machine's limit;
  1b. the same iterparse validating against the IATI 2.03 schema as it streams (what hoptac does);
  2. iatikit (PyPI `iatikit`) parsing the same file: Dataset(path).activities, each identifier read;
  3. `hoptac import-iati` (hoptac.aid.iati_import.Importer) into a fresh SQLite database, as with
     --no-index, then (3a) as the command runs by default, the projects added to the search index;
  3b. SQLite alone: every statement step 3 ran, recorded and replayed with the plain sqlite3 module
     on a copy of the database as it was before the import (no reading, no Python work per row
     beyond binding the values): the database's own share, a ceiling for any importer that
     writes the same rows;
  4. the same into PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/hoptac_aid_bench,
     created if missing and emptied first: use a scratch database).

    .venv/bin/python bench/iati_import.py --n 5000        # quick
    .venv/bin/python bench/iati_import.py                 # full size: 100,000 activities
    .venv/bin/python bench/iati_import.py --file FILE     # an existing IATI file

Each step runs in its own process, so that its peak memory (ru_maxrss from wait4) is its own (for
the hoptac steps, the larger of the importer's and its reader process's); the hoptac steps also
report the memory the reader process held on its own, beyond the pages it shares with the importer
it was forked from (or, where the system cannot fork, the peak of the validator process). Each step
also reports its CPU time (user and system, its reader and validator processes included), and the
run ends with the CPU time the 40% target leaves on this machine's cores beside what the import,
a validating parse and the database's writes alone took.
Generated activities each have 5 transactions (USD, EUR, VND), 3 sectors, 2 locations, 2 budgets,
a result with an indicator, and a participating organisation that matches a registry partner.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/hoptac_aid_bench"

SECTORS = ["15110", "15112", "16020", "11330", "15170", "11430", "16010", "15150"]
PROVINCES = ["Hà Nội", "Huế", "Cần Thơ", "Đà Nẵng", "Hải Phòng", "Lào Cai"]
DONORS = ["International Labour Organization", "United Nations Development Programme", "UN Women", "France"]


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the importer's reader and
    validator processes are waited for), user and system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def generate(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<iati-activities version="2.03" generated-datetime="2026-01-01T00:00:00">\n'
        )
        for i in range(n):
            year = 2018 + i % 8
            sectors = rng.sample(SECTORS, 3)
            shares = (50, 30, 20)
            provinces = rng.sample(PROVINCES, 2)
            parts = [
                '<iati-activity default-currency="USD" last-updated-datetime="2026-01-01T00:00:00">',
                f"<iati-identifier>XM-BENCH-{i:07d}</iati-identifier>",
                '<reporting-org ref="XM-BENCH" type="40">'
                "<narrative>Bench reporting organisation</narrative></reporting-org>",
                f"<title><narrative>Benchmark activity {i}</narrative>"
                f'<narrative xml:lang="vi">Hoạt động thử {i}</narrative></title>',
                f"<description><narrative>Generated activity {i} for the import benchmark: labour market, "
                "administrative reform, gender equality.</narrative></description>",
                f'<participating-org role="1" type="40"><narrative>{DONORS[i % 4]}</narrative></participating-org>',
                '<participating-org role="4" type="10">'
                "<narrative>Ministry of Home Affairs</narrative></participating-org>",
                f'<activity-status code="{1 + i % 4}"/>',
                f'<activity-date type="1" iso-date="{year}-01-01"/>',
                f'<activity-date type="3" iso-date="{year + 3}-12-31"/>',
            ]
            for name in provinces:
                parts.append(f"<location><name><narrative>{name}</narrative></name></location>")
            for code, share in zip(sectors, shares, strict=True):
                parts.append(f'<sector code="{code}" percentage="{share}"/>')
            parts.append(
                '<default-flow-type code="10"/><default-finance-type code="110"/><default-aid-type code="C01"/>'
            )
            for b in range(2):
                parts.append(
                    f'<budget type="1" status="1"><period-start iso-date="{year + b}-01-01"/>'
                    f'<period-end iso-date="{year + b}-12-31"/>'
                    f'<value currency="USD" value-date="{year + b}-01-01">'
                    f"{rng.randint(100, 900) * 1000}</value></budget>"
                )
            for t in range(5):
                ttype, currency = [("2", "USD"), ("3", "USD"), ("3", "EUR"), ("4", "VND"), ("3", "USD")][t]
                amount = rng.randint(10, 9000) * (1000 if currency != "VND" else 25_000_000)
                day = f"{year + t // 2}-{1 + (i + t) % 12:02d}-15"
                parts.append(
                    f'<transaction ref="T{t}"><transaction-type code="{ttype}"/><transaction-date iso-date="{day}"/>'
                    f'<value currency="{currency}" value-date="{day}">{amount}.50</value>'
                    f"<description><narrative>Tranche {t}</narrative></description>"
                    f'<provider-org ref="XM-BENCH"><narrative>{DONORS[i % 4]}</narrative></provider-org>'
                    f"<receiver-org><narrative>Ministry of Home Affairs</narrative></receiver-org></transaction>"
                )
            parts.append(
                '<result type="1"><title><narrative>Officials trained</narrative></title>'
                '<indicator measure="1"><title><narrative>People trained</narrative></title>'
                f'<baseline year="{year}" value="0"/><period><period-start iso-date="{year}-01-01"/>'
                f'<period-end iso-date="{year + 1}-12-31"/><target value="500"/><actual value="{i % 600}"/></period>'
                "</indicator></result>"
            )
            parts.append("</iati-activity>\n")
            out.write("".join(parts))
        out.write("</iati-activities>\n")


# ---- the steps, each run in a child process --------------------------------------------------


def step_raw(path: str, validate: bool) -> dict:
    from lxml import etree

    kwargs = {}
    if validate:
        sys.path.insert(0, str(ROOT / "src"))
        from hoptac.aid.iati import SCHEMA_PATH

        kwargs["schema"] = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    start, cpu = time.perf_counter(), cpu_seconds()
    n = 0
    for _event, el in etree.iterparse(
        path, events=("end",), tag="iati-activity", resolve_entities=False, no_network=True, **kwargs
    ):
        n += 1
        el.clear(keep_tail=False)
        while el.getprevious() is not None:
            del el.getparent()[0]
    return {"activities": n, "seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu}


def step_iatikit(path: str) -> dict:
    import iatikit

    start, cpu = time.perf_counter(), cpu_seconds()
    dataset = iatikit.Dataset(path)
    n = sum(1 for activity in dataset.activities if activity.iati_identifier)
    return {"activities": n, "seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu}


def _django(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["HOPTAC_DEBUG"] = "0"
    os.environ.setdefault("HOPTAC_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hoptac.config.settings"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def _fresh_database(database_url: str | None) -> None:
    os.environ["HOPTAC_DATA_DIR"] = tempfile.mkdtemp(prefix="hoptac-bench-iati-")
    if database_url:
        _create_pg_database(database_url)
    _django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if database_url:
        call_command("flush", interactive=False, verbosity=0)
        from hoptac.aid.rates import load_shipped_rates  # the flush emptied the shipped rates

        load_shipped_rates()
    call_command("load_reference", verbosity=0)


def step_hoptac(path: str, database_url: str | None, index: bool = False) -> dict:
    _fresh_database(database_url)
    from hoptac.aid.iati_import import Importer
    from hoptac.aid.models import Project, Transaction

    start, cpu = time.perf_counter(), cpu_seconds()
    # With index=True the projects are indexed once the file is committed, inside this call.
    result = Importer(index=index).import_file(path)
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu
    if not result.ok:
        raise SystemExit(f"import failed: {result.error}")
    return {
        # A large file is read by a forked process (its own pages, as it measured them) or, where
        # the system cannot fork, validated by a second process (its peak, as it measured it:
        # wait4 would count the pages it shared with its parent before exec).
        "reader_mib": result.reader_private_kib / 1024,
        "validator_mib": result.validator_peak_kib / 1024,
        "activities": result.imported + result.updated,
        "seconds": seconds,
        "cpu": cpu,
        "projects": Project.objects.count(),
        "transactions": Transaction.objects.count(),
        "converted": Transaction.objects.filter(value_vnd__isnull=False).count(),
    }


def step_sqlite_alone(path: str) -> dict:
    """Run the import recording its statements, then replay them on the database as it was."""
    import shutil
    import sqlite3
    from decimal import Decimal

    _fresh_database(None)
    from django.conf import settings
    from django.db import connection

    from hoptac.aid.iati_import import SQLITE_CACHE_KIB, Importer

    db = str(settings.DATABASES["default"]["NAME"])
    connection.close()
    before = db + ".before"
    shutil.copy(db, before)
    statements = []

    def record(execute, sql, params, many, context):
        if sql.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "PRAGMA"):
            statements.append((sql.replace("%s", "?"), list(params) if many else (params or ()), many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = Importer().import_file(path)
    if not result.ok:
        raise SystemExit(f"import failed: {result.error}")
    connection.close()
    replay = sqlite3.connect(before, isolation_level=None)
    sqlite3.register_adapter(Decimal, str)  # as Django's SQLite backend binds decimals
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", f"cache_size=-{SQLITE_CACHE_KIB}"):
        replay.execute(f"PRAGMA {pragma}")
    start, cpu = time.perf_counter(), cpu_seconds()
    replay.execute("BEGIN")
    for sql, params, many in statements:
        if many:
            replay.executemany(sql, params)
        else:
            replay.execute(sql, params).fetchall()
    replay.execute("COMMIT")
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    # The replay wrote what the import wrote (the same statements, in the same order).
    from hoptac.aid.models import Project, Transaction

    for model, stored in ((Project, result.imported), (Transaction, Transaction.objects.count())):
        replayed = replay.execute(f'SELECT count(*) FROM "{model._meta.db_table}"').fetchone()[0]
        if replayed != stored:
            raise SystemExit(f"the replay wrote {replayed} rows of {model._meta.db_table}, the import {stored}")
    return {"activities": result.imported, "seconds": seconds, "cpu": cpu, "statements": len(statements)}


def _create_pg_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def run_child(args: list[str]) -> dict:
    """Run a step in a child process; return its JSON answer with its peak RSS in MiB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, __file__, *args], stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        return {"error": (stderr.strip().splitlines() or ["failed"])[-1]}
    answer = json.loads(stdout.strip().splitlines()[-1])
    answer["peak_mib"] = usage.ru_maxrss / 1024
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="activities to generate (default 100,000)")
    parser.add_argument("--file", help="an existing IATI activity file instead of a generated one")
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated steps to skip: raw,schema,iatikit,sqlite,sqlite-indexed,sqlite-alone,postgres",
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        step, path = args.step.split(":", 1)
        answer = {
            "raw": lambda: step_raw(path, validate=False),
            "schema": lambda: step_raw(path, validate=True),
            "iatikit": lambda: step_iatikit(path),
            "sqlite": lambda: step_hoptac(path, None),
            "sqlite-indexed": lambda: step_hoptac(path, None, index=True),
            "sqlite-alone": lambda: step_sqlite_alone(path),
            "postgres": lambda: step_hoptac(path, args.database_url),
        }[step]()
        print(json.dumps(answer))
        return

    workdir = Path(tempfile.mkdtemp(prefix="hoptac-bench-iati-"))
    if args.file:
        path = Path(args.file)
    else:
        path = workdir / f"bench-{args.n}.xml"
        t0 = time.perf_counter()
        generate(path, args.n)
        print(f"generated {args.n:,} activities in {time.perf_counter() - t0:.1f} s: {path}", flush=True)
    size_mib = path.stat().st_size / 2**20
    print(f"file: {size_mib:,.1f} MiB", flush=True)
    skip = set(filter(None, args.skip.split(",")))
    try:
        import iatikit  # noqa: F401

        have_iatikit = True
    except ImportError:
        have_iatikit = False
    rows = []
    labels = {
        "raw": "lxml iterparse (raw)",
        "schema": "lxml iterparse + IATI 2.03 schema",
        "iatikit": "iatikit parse",
        "sqlite": "hoptac import-iati, SQLite",
        "sqlite-indexed": "hoptac import-iati, SQLite, search index written too",
        "sqlite-alone": "SQLite alone, the import's statements replayed",
        "postgres": "hoptac import-iati, PostgreSQL",
    }
    for step in ("raw", "schema", "iatikit", "sqlite", "sqlite-indexed", "sqlite-alone", "postgres"):
        if step in skip:
            continue
        if step == "iatikit" and not have_iatikit:
            print("iatikit: not installed in this environment (pip install iatikit); step skipped", flush=True)
            continue
        answer = run_child(["--step", f"{step}:{path}", "--database-url", args.database_url])
        if "error" in answer:
            print(f"{labels[step]}: failed: {answer['error']}", flush=True)
            continue
        rate = answer["activities"] / answer["seconds"]
        rows.append((step, rate, answer))
        extra = ""
        if "transactions" in answer:
            extra = f" ({answer['projects']:,} projects, {answer['transactions']:,} transactions stored)"
            if answer.get("reader_mib"):
                extra = f" + reader process {answer['reader_mib']:,.0f} MiB of its own" + extra
            if answer.get("validator_mib"):
                extra = f" + validator process {answer['validator_mib']:,.0f} MiB" + extra
        print(
            f"{labels[step]}: {answer['activities']:,} activities in {answer['seconds']:.1f} s = "
            f"{rate:,.0f} activities/s, CPU {answer['cpu']:.1f} s, "
            f"peak {answer['peak_mib']:,.0f} MiB{extra}",
            flush=True,
        )
    rates = {step: rate for step, rate, _ in rows}
    if "raw" in rates:
        for step in ("sqlite", "sqlite-alone", "postgres"):
            if step in rates:
                print(f"{labels[step]}: {100 * rates[step] / rates['raw']:.0f}% of raw iterparse", flush=True)
        if "iatikit" in rates:
            for step in ("sqlite", "sqlite-alone", "postgres"):
                if step in rates:
                    faster = "faster" if rates[step] > rates["iatikit"] else "slower"
                    print(f"{labels[step]}: {rates[step] / rates['iatikit']:.2f}x iatikit's parse ({faster})")
        answers = {step: answer for step, _rate, answer in rows}
        if {"sqlite", "schema", "sqlite-alone"} <= answers.keys():
            # The time 40% of raw iterparse allows, as CPU time on every core of this machine, beside
            # the CPU time of the import and of the two things it cannot do without.
            n, cores = answers["sqlite"]["activities"], os.cpu_count() or 1
            wall = n / (0.4 * rates["raw"])
            print(
                f"CPU budget at 40% of raw iterparse: {wall:.1f} s on {cores} cores = {wall * cores:.1f} CPU s; "
                f"the SQLite import used {answers['sqlite']['cpu']:.1f} CPU s, of which any import needs "
                f"a validating parse ({answers['schema']['cpu']:.1f}) and the database's writes "
                f"({answers['sqlite-alone']['cpu']:.1f})"
            )


if __name__ == "__main__":
    main()
