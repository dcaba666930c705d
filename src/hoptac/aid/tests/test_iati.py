"""IATI import and export against the standard's own conformance files, hostile XML, round trip."""

import io
import re
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from hoptac.aid.iati import schema
from hoptac.aid.iati_export import export_activities
from hoptac.aid.iati_import import Importer
from hoptac.aid.models import Project, Transaction
from hoptac.aid.tests.factories import add_tx, make_project

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[3].parent / "shared" / "iati" / "schema-tests" / "activity-tests"
CONFORMANCE = SHARED if SHARED.is_dir() else HERE / "iati-conformance"


def _files(kind: str) -> list[Path]:
    return sorted(p for p in (CONFORMANCE / kind).rglob("*") if p.is_file() and p.suffix != ".md")


ACTIVITY = """<iati-activity>
  <iati-identifier>{id}</iati-identifier>
  <reporting-org ref="XM-DAC-41122" type="40"><narrative>UNICEF</narrative></reporting-org>
  <title><narrative>Title {id}</narrative><narrative xml:lang="vi">Tiêu đề {id}</narrative></title>
  <description><narrative>About {id}</narrative></description>
  <participating-org role="1" type="40"><narrative>International Labour Organization</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2024-01-01"/>
  <sector code="16020" percentage="100"/>
  {extra}
  <transaction><transaction-type code="{tt}"/><transaction-date iso-date="2024-02-01"/>
    <value currency="EUR" value-date="2024-02-01">1000.50</value></transaction>
</iati-activity>"""


def _file(tmp_path, *activities: str, name="f.xml", version="2.03") -> Path:
    path = tmp_path / name
    path.write_text(
        f'<?xml version="1.0"?>\n<iati-activities version="{version}">{"".join(activities)}</iati-activities>'
    )
    return path


def _activity(id="A-1", tt="2", extra=""):
    return ACTIVITY.format(id=id, tt=tt, extra=extra)


def test_every_should_pass_file_imports_and_reimport_updates():
    files = _files("should-pass")
    assert len(files) == 58
    importer = Importer()
    results = [importer.import_file(f) for f in files]
    assert [r.path for r in results if not r.ok] == []
    assert sum(r.imported for r in results) == Project.objects.count() == 58
    again = [importer.import_file(f) for f in files]
    assert sum(r.updated for r in again) == 58 and sum(r.imported for r in again) == 0
    assert Project.objects.count() == 58


def test_every_should_fail_file_is_rejected_with_a_message_and_nothing_imported():
    files = _files("should-fail")
    assert len(files) >= 225
    importer = Importer()
    for path in files:
        result = importer.import_file(path)
        assert not result.ok, path
        # The message names the element and the rule (schema), or the XML error and its line.
        named = "Element '" in result.error or re.search(r"[a-z-]+/@?[a-z-]+", result.error)
        assert named or result.error.startswith("not well-formed XML"), (path, result.error)
    assert Project.objects.count() == 0 and Transaction.objects.count() == 0


def test_a_file_is_all_or_nothing(tmp_path):
    good = [_activity(f"OK-{i}") for i in range(700)]  # more than one batch is written before the error
    bad = "<iati-activity><iati-identifier>BAD</iati-identifier></iati-activity>"
    result = Importer().import_file(_file(tmp_path, *good, bad))
    assert not result.ok and "Element 'iati-activity': Missing child element(s)" in result.error
    assert "activity #701" in result.error and result.rejected == 701
    assert Project.objects.count() == 0


def test_import_values_rates_partners_and_codelist_warnings(tmp_path):
    path = _file(tmp_path, _activity("A-1", tt="99"), _activity("A-2"))
    result = Importer().import_file(path)
    assert result.ok and result.imported == 2
    assert any("transaction-type/@code '99' is not in the IATI TransactionType codelist" in w for w in result.warnings)
    p = Project.objects.get(iati_identifier="A-2")
    assert (p.title_en, p.title_vi, p.status, p.default_currency) == ("Title A-2", "Tiêu đề A-2", "implementation", "")
    org = p.organisations.get()
    assert org.role == "1" and org.partner and org.partner.acronym == "ILO" and org.name == ""
    tx = p.transactions.get()
    assert str(tx.value) == "1000.50" and tx.currency == "EUR" and tx.rate_vnd and tx.value_usd
    assert p.history.count() == 1


def test_versions(tmp_path):
    assert Importer().import_file(_file(tmp_path, _activity(), version="2.01")).ok
    old = Importer().import_file(_file(tmp_path, _activity(), name="old.xml", version="1.05"))
    assert not old.ok and "only versions 2.01-2.03" in old.error


@pytest.mark.parametrize("between", [0, 1, 499, 500, 1200])
def test_duplicate_identifier_in_one_file_is_kept_once(tmp_path, between):
    # Near (the same batch) or far apart (another batch): found either way, said once.
    others = [_activity(f"O-{i}") for i in range(between)]
    later = _activity("D").replace("Title D", "Title D, later")
    path = _file(tmp_path, _activity("D"), *others, later)
    result = Importer().import_file(path)
    assert result.ok and result.imported == 1 + between and result.updated == 1
    duplicates = [w for w in result.warnings if "appears again" in w]
    assert duplicates == [
        f"activity #{between + 2}: iati-identifier 'D' appears again in the file; the later one is kept"
    ]
    assert Project.objects.get(iati_identifier="D").title_en == "Title D, later"
    again = Importer().import_file(path)  # imported before is not "again in the file"
    assert again.ok and [w for w in again.warnings if "appears again" in w] == duplicates


def _snapshot() -> dict:
    rows = {}
    for p in Project.objects.prefetch_related(
        "organisations", "sectors", "locations", "budgets", "transactions", "results__indicators"
    ):
        rows[p.iati_identifier] = (
            [
                p.title_vi,
                p.title_en,
                p.description_vi,
                p.description_en,
                p.kind,
                p.status,
                p.code,
                p.aid_type,
                p.finance_type,
                p.flow_type,
                p.default_currency,
                p.planned_start,
                p.actual_start,
                p.planned_end,
                p.actual_end,
                p.reporting_org_ref,
                p.reporting_org_type,
                p.reporting_org_name,
            ],
            [(o.role, o.ref, o.org_type, o.name, o.partner_id) for o in p.organisations.all()],
            [(s.vocabulary, s.code, s.name, s.percentage) for s in p.sectors.all()],
            [(loc.name, loc.ref, loc.province_id, loc.percentage) for loc in p.locations.all()],
            [
                (b.budget_type, b.budget_status, b.period_start, b.period_end, b.value, b.currency)
                for b in p.budgets.all()
            ],
            [
                (
                    t.type_code,
                    t.date,
                    t.value,
                    t.currency,
                    t.value_date,
                    t.description,
                    t.provider_name,
                    t.receiver_name,
                    t.rate_vnd,
                    t.value_usd,
                )
                for t in p.transactions.all()
            ],
            [
                (
                    r.result_type,
                    r.title,
                    [
                        (i.title, i.baseline_year, i.baseline_value, i.target_value, i.actual_value)
                        for i in r.indicators.all()
                    ],
                )
                for r in p.results.all()
            ],
        )
    return rows


def _validate(data: bytes) -> etree._ElementTree:
    doc = etree.parse(io.BytesIO(data))
    assert schema().validate(doc), schema().error_log
    return doc


def test_round_trip_of_the_should_pass_files_validates_and_gives_the_same_records(tmp_path):
    importer = Importer()
    for f in _files("should-pass"):
        assert importer.import_file(f).ok
    before = _snapshot()
    out = io.BytesIO()
    exported, skipped = export_activities(Project.objects.all(), out)
    assert (exported, skipped) == (58, 0)
    _validate(out.getvalue())
    path = tmp_path / "export.xml"
    path.write_bytes(out.getvalue())
    result = importer.import_file(path)
    assert result.ok and result.updated == 58 and result.imported == 0
    assert _snapshot() == before


def test_export_of_projects_made_in_hoptac_validates_and_round_trips(tmp_path, editor):
    from hoptac.fields.models import Field
    from hoptac.org.models import Unit
    from hoptac.partners.models import Partner

    province = Unit.objects.filter(kind=Unit.Kind.PROVINCE, is_active=True).first()
    p = make_project(
        editor,
        iati_identifier="VN-TEST-1",
        organisations=[{"role": "1", "partner": Partner.objects.filter(acronym="ILO").first()}],
        sectors=[{"code": "16020", "percentage": 100}],
        fields=[{"field": Field.objects.first(), "percentage": 100}],
        locations=[{"province": province, "percentage": 100}],
        results=[
            {
                "title": "Output 1",
                "indicators": [
                    {
                        "title": "People trained",
                        "baseline_year": 2023,
                        "baseline_value": "0",
                        "target_value": "500",
                        "period_start": "2024-01-01",
                        "period_end": "2025-12-31",
                    }
                ],
            },
            {"title": "No indicator yet"},
        ],
        budgets=[
            {
                "period_start": "2024-01-01",
                "period_end": "2024-12-31",
                "value": "5000",
                "currency": "USD",
                "value_date": "2024-01-01",
            }
        ],
    )
    add_tx(editor, p, value="1000", currency="USD")
    make_project(editor, code="NO-ID")  # no IATI identifier: one is made from the code
    out = io.BytesIO()
    export_activities(Project.objects.all(), out)
    doc = _validate(out.getvalue())
    ids = [e.text for e in doc.iter("iati-identifier")]
    assert "VN-TEST-1" in ids and "VN-hoptac-NO-ID" in ids
    before = _snapshot()["VN-TEST-1"]
    path = tmp_path / "x.xml"
    path.write_bytes(out.getvalue())
    assert Importer().import_file(path).ok
    after = _snapshot()["VN-TEST-1"]
    # Identical, except that the reporting organisation the export filled in is now recorded.
    assert after[0][:15] == before[0][:15] and after[0][15:] == [
        "VN-hoptac",
        "10",
        "Department of International Cooperation",
    ]
    assert after[1:6] == before[1:6]
    assert after[6] == [before[6][0]]  # a result without indicators cannot be published in IATI


def test_api_and_page_serve_iati_xml(api, editor, logged_in):
    make_project(editor, iati_identifier="VN-API-1")
    r = api(editor).get("/api/v1/projects.iati.xml")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/xml")
    assert [e.text for e in _validate(r.content).iter("iati-identifier")] == ["VN-API-1"]
    r = logged_in(editor).get("/projects/", {"export": "iati"})
    _validate(r.content)


# ---- hostile XML --------------------------------------------------------------------------

LOL = """<?xml version="1.0"?>
{pad}<!DOCTYPE lolz [
<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<iati-activities version="2.03">{activity}</iati-activities>"""


@pytest.mark.parametrize("pad", ["", "<!-- " + "x" * 70000 + " -->\n"], ids=["doctype-first", "doctype-late"])
def test_billion_laughs_is_refused(tmp_path, pad):
    path = tmp_path / "lol.xml"
    path.write_text(LOL.format(pad=pad, activity=_activity("LOL", extra="").replace("About LOL", "&lol9;")))
    result = Importer().import_file(path)
    assert not result.ok and ("DOCTYPE" in result.error or "amplification" in result.error)
    assert not Project.objects.exists()


@pytest.mark.parametrize("pad", ["", "<!-- " + "x" * 70000 + " -->\n"], ids=["doctype-first", "doctype-late"])
def test_external_entity_is_never_read(tmp_path, pad):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / "xxe.xml"
    activity = _activity("XXE").replace("About XXE", "&xxe;")
    path.write_text(
        f'<?xml version="1.0"?>\n{pad}<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        f'<iati-activities version="2.03">{activity}</iati-activities>'
    )
    result = Importer().import_file(path)
    assert not result.ok and "DOCTYPE" in result.error
    assert not Project.objects.filter(description_en__contains="TOP-SECRET").exists()
    assert not Project.objects.exists()


def test_deeply_nested_elements_are_refused(tmp_path):
    deep = '<x:a xmlns:x="urn:x">' * 50000 + "</x:a>" * 50000
    result = Importer().import_file(_file(tmp_path, _activity("DEEP", extra=deep)))
    assert not result.ok and "depth" in result.error.lower()
    assert not Project.objects.exists()


def test_truncated_file_is_refused_and_nothing_kept(tmp_path):
    full = _file(tmp_path, *[_activity(f"T-{i}") for i in range(600)]).read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(full[: len(full) - 200])
    result = Importer().import_file(path)
    assert not result.ok and result.error.startswith("not well-formed XML") and "line" in result.error
    assert not Project.objects.exists()


def test_not_xml_and_missing_file(tmp_path):
    path = tmp_path / "x.xml"
    path.write_bytes(b"\x00\x01 not xml")
    assert not Importer().import_file(path).ok
    missing = Importer().import_file(tmp_path / "nope.xml")
    assert not missing.ok and "cannot read" in missing.error


def test_command_summary_and_exit_code(tmp_path, capsys):
    good = _file(tmp_path, _activity("C-1"), _activity("C-2"), name="good.xml")
    bad = _file(tmp_path, "<iati-activity/>", name="bad.xml")
    call_command("import_iati", str(good), "--quiet")
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "activities: 2 imported, 0 updated, 0 rejected; files: 1 ok, 0 rejected"
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_iati", str(good), str(bad), "--quiet")
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines()[-1] == (
        "activities: 0 imported, 2 updated, 1 rejected; files: 1 ok, 1 rejected"
    )
    assert "bad.xml: rejected: Element 'iati-activity': Missing child element(s)" in captured.err


def test_export_command_with_filters(tmp_path, editor, capsys):
    make_project(editor, code="E-1", iati_identifier="VN-E-1", kind="oda_loan")
    make_project(editor, code="E-2", iati_identifier="VN-E-2", kind="oda_grant")
    out = tmp_path / "out.xml"
    call_command("export_iati", "--kind", "oda_loan", "--out", str(out))
    doc = _validate(out.read_bytes())
    assert [e.text for e in doc.iter("iati-identifier")] == ["VN-E-1"]
    assert "exported 1 activities" in capsys.readouterr().err


@pytest.mark.parametrize("field", ["iati_identifier", "code"])
def test_finding_stored_projects_uses_the_index_not_the_whole_table(field):
    # Each batch of an import looks its activities up: reading the table each time grows with it.
    from django.db import connection

    from hoptac.aid.iati_import import stored_projects

    query = stored_projects(field, [f"XM-{i}" for i in range(150)])  # PostgreSQL proves up to 100
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table is read whole otherwise
        assert f"project_{field}_unique" in query.explain()
    else:
        plan = query.explain()
        assert f"USING INDEX project_{field}_unique" in plan and "SCAN aid_project" not in plan


def test_imported_projects_are_found_by_search_once_the_file_is_committed(
    tmp_path, editor, django_capture_on_commit_callbacks
):
    from hoptac.documents.models import SearchEntry
    from hoptac.search.engine import search

    many = [_activity(f"S-{i}") for i in range(1203)]  # several batches of the index too
    path = _file(tmp_path, *many, _activity("NEEDLE").replace("Title NEEDLE", "Quản lý nhà nước về lao động"))
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        assert Importer(index=True, index_progress=lambda n, of: seen.append((n, of))).import_file(path).ok
    assert seen == [(500, 1204), (1000, 1204), (1204, 1204)]  # after each batch of the index
    hits, count, _ = search(editor, "quan ly nha nuoc lao dong", types=["project"])
    assert count == 1 and hits[0].id == Project.objects.get(iati_identifier="NEEDLE").pk
    assert SearchEntry.objects.filter(type="project").count() == 1204
    # Imported again with a new title: the entries are replaced, not added to.
    with django_capture_on_commit_callbacks(execute=True):
        assert Importer(index=True).import_file(_file(tmp_path, _activity("NEEDLE"), name="again.xml")).ok
    assert search(editor, "quan ly nha nuoc lao dong", types=["project"])[1] == 0
    assert search(editor, "NEEDLE", types=["project"])[1] == 1
    assert SearchEntry.objects.filter(type="project").count() == 1204
    # A rejected file indexes nothing.
    bad = _file(tmp_path, _activity("LOST"), "<iati-activity/>", name="bad.xml")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert not Importer(index=True).import_file(bad).ok
    assert callbacks == [] and search(editor, "LOST", types=["project"])[1] == 0


@pytest.mark.django_db(transaction=True)  # the search index is written when the file really commits
def test_a_search_index_that_fails_leaves_the_file_imported_with_a_warning(tmp_path, monkeypatch):
    from django.db import DatabaseError

    from hoptac.aid import iati_import

    def failing(entry, pks, progress=None):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(iati_import, "index_many", failing)
    result = Importer(index=True).import_file(_file(tmp_path, _activity("W-1")))
    assert result.ok and result.imported == 1 and not result.error
    assert result.warnings == [
        "imported, but not all of it is in the search index (database is locked); run hoptac reindex"
    ]
    assert Project.objects.filter(iati_identifier="W-1").exists()


@pytest.mark.django_db(transaction=True)  # the search index is written when the file really commits
def test_command_shows_the_progress_of_reading_then_of_the_search_index(tmp_path, capsys, monkeypatch):
    path = _file(tmp_path, _activity("B-1"), _activity("B-2"), _activity("B-1"), name="bar.xml")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    call_command("import_iati", str(path))
    reading, indexing = capsys.readouterr().err.strip("\n").split("\n")
    assert reading.endswith("bar.xml: [##############################] 100% 3 activities")
    # The activity given twice is one project: two to index.
    assert indexing == f"\r{path}: [##############################] 100% 2 of 2 projects in the search index"


def test_command_interrupted_says_what_was_kept(tmp_path, capsys, monkeypatch):
    first = _file(tmp_path, _activity("K-1"), name="first.xml")
    second = _file(tmp_path, _activity("K-2"), name="second.xml")
    real = Importer.import_file

    def interrupted(self, path):
        if str(path).endswith("second.xml"):
            raise KeyboardInterrupt  # Ctrl-C while the second file is read
        return real(self, path)

    monkeypatch.setattr(Importer, "import_file", interrupted)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_iati", str(first), str(second), "--quiet")
    assert exit_info.value.code == 130
    assert "second.xml: interrupted; nothing of this file was kept" in capsys.readouterr().err
    assert list(Project.objects.values_list("iati_identifier", flat=True)) == ["K-1"]


@pytest.mark.django_db(transaction=True)  # the search index is written when the file really commits
def test_command_interrupted_while_indexing_says_the_file_is_imported(tmp_path, capsys, monkeypatch):
    from hoptac.aid import iati_import

    def interrupted(entry, pks, progress=None):
        raise KeyboardInterrupt  # Ctrl-C while the search index is written

    monkeypatch.setattr(iati_import, "index_many", interrupted)
    path = _file(tmp_path, _activity("X-1"), name="indexed.xml")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_iati", str(path), "--quiet")
    assert exit_info.value.code == 130
    assert "indexed.xml: interrupted; imported, not all in the search index (hoptac reindex)" in capsys.readouterr().err
    assert Project.objects.filter(iati_identifier="X-1").exists()


@pytest.mark.parametrize("host_froze", [False, True])
def test_an_import_leaves_the_cycle_collector_as_it_found_it(tmp_path, host_froze):
    import gc

    threshold = gc.get_threshold()
    if host_froze:
        gc.freeze()  # as a server that forks its workers does
    try:
        assert Importer().import_file(_file(tmp_path, _activity("G-1"))).ok
        assert gc.get_threshold() == threshold
        assert (gc.get_freeze_count() > 0) is host_froze
    finally:
        gc.unfreeze()
