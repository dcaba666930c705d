"""A large file is validated by a second process and read by a third (forked) while this one
writes it, or, where the system cannot fork, validated by a second process while this one reads
and writes it: the outcome must be exactly that of reading and validating here (the conformance
files, errors late and early, truncation, files that are not well-formed)."""

import os

import pytest

from hoptac.aid import iati_import
from hoptac.aid.iati_import import Importer
from hoptac.aid.models import Project, Transaction
from hoptac.aid.tests.test_iati import _activity, _file, _files, _snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["reader", "validator"], autouse=True)
def second_process(request, monkeypatch):
    """Each test runs with the reader process, then as where the system cannot fork (the validator
    process); the processes started are counted."""
    monkeypatch.setattr(iati_import, "_CAN_FORK", request.param == "reader")
    started = []
    real_validator, real_reader = iati_import._Validator.__init__, iati_import._Reader.__init__

    def validator(self, path, spawn):
        if spawn:
            started.append(("validator", path))
        real_validator(self, path, spawn)

    def reader(self, importer, handle, path, result):
        started.append(("reader", path))
        real_reader(self, importer, handle, path, result)

    monkeypatch.setattr(iati_import._Validator, "__init__", validator)
    monkeypatch.setattr(iati_import._Reader, "__init__", reader)
    return started


@pytest.fixture
def parallel(monkeypatch, second_process):
    """Every file, however small, goes through the second process."""
    monkeypatch.setattr(iati_import, "PARALLEL_MIN_BYTES", 0)
    return second_process


def _outcome(result) -> tuple:
    return (result.ok, result.error, result.imported, result.updated, result.rejected, result.warnings)


def _both(path, monkeypatch) -> tuple[tuple, tuple]:
    """The outcome reading and validating here, then with the second process (nothing kept either
    way for a bad file; a good file's records are compared too)."""
    monkeypatch.setattr(iati_import, "PARALLEL_MIN_BYTES", 10**12)
    inline = Importer().import_file(path)
    records = _snapshot()
    Project.objects.all().delete()
    monkeypatch.setattr(iati_import, "PARALLEL_MIN_BYTES", 0)
    parallel = Importer().import_file(path)
    assert _snapshot() == records, path
    Project.objects.all().delete()
    return _outcome(inline), _outcome(parallel)


@pytest.mark.parametrize("kind", ["should-fail", "should-pass"])
def test_conformance_files_give_the_same_outcome_with_the_validator_process(kind, monkeypatch):
    files = _files(kind)
    assert len(files) >= 58
    for path in files:
        inline, parallel = _both(path, monkeypatch)
        assert parallel == inline, path
        assert inline[0] is (kind == "should-pass"), path


def test_a_late_schema_error_rolls_back_every_batch_written(tmp_path, parallel):
    good = [_activity(f"OK-{i}") for i in range(1200)]  # batches are written before the verdict
    bad = "<iati-activity><iati-identifier>BAD</iati-identifier></iati-activity>"
    result = Importer().import_file(_file(tmp_path, *good, bad))
    assert parallel, "the second process was not used"
    assert not result.ok and "Element 'iati-activity': Missing child element(s)" in result.error
    assert "activity #1201" in result.error and result.rejected == 1201
    assert result.imported == result.updated == 0
    assert Project.objects.count() == 0 and Transaction.objects.count() == 0


def test_a_schema_error_early_in_a_file_is_reported_as_when_validating_while_reading(tmp_path, monkeypatch):
    # libxml2 reports schema errors when the file ends: the count is the activities read by then.
    bad = "<iati-activity><iati-identifier>BAD</iati-identifier></iati-activity>"
    path = _file(tmp_path, _activity("OK-0"), bad, *[_activity(f"OK-{i}") for i in range(1, 1200)])
    inline, parallel = _both(path, monkeypatch)
    assert parallel == inline and not parallel[0] and "Missing child element(s)" in parallel[1]


def test_a_broken_file_stops_the_import_where_it_breaks(tmp_path, monkeypatch):
    broken = "<iati-activity><iati-identifier>X</iati-identifier></iati-activit>"
    path = _file(tmp_path, _activity("OK-0"), broken, *[_activity(f"OK-{i}") for i in range(1, 1200)])
    inline, parallel = _both(path, monkeypatch)
    assert parallel == inline and parallel[1].startswith("not well-formed XML")


def test_a_reading_error_before_the_schema_error_is_the_one_reported(tmp_path, monkeypatch):
    # A value the schema accepts but the importer cannot store, then a schema error later.
    too_big = _activity("BIG").replace(">1000.50<", ">123456789012345678901.5<")
    bad = "<iati-activity><iati-identifier>BAD</iati-identifier></iati-activity>"
    path = _file(tmp_path, _activity("OK"), too_big, bad)
    inline, parallel = _both(path, monkeypatch)
    assert parallel == inline
    assert "more than 20 integer digits" in parallel[1]


def test_truncated_file_with_the_validator_process(tmp_path, monkeypatch):
    full = _file(tmp_path, *[_activity(f"T-{i}") for i in range(600)]).read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(full[: len(full) - 200])
    inline, parallel = _both(path, monkeypatch)
    assert parallel == inline and parallel[1].startswith("not well-formed XML")


def test_a_valid_file_is_imported_and_reimported_with_the_validator_process(tmp_path, parallel):
    path = _file(tmp_path, *[_activity(f"P-{i}") for i in range(700)])
    first = Importer().import_file(path)
    again = Importer().import_file(path)
    assert [kind for kind, _path in parallel if kind == "validator"] == ["validator", "validator"]
    readers = [kind for kind, _path in parallel if kind == "reader"]
    assert readers == (["reader", "reader"] if iati_import._CAN_FORK else [])
    assert first.ok and first.imported == 700 and again.ok and again.updated == 700
    assert Project.objects.count() == 700 and Transaction.objects.count() == 700


def test_when_the_validator_process_cannot_answer_the_file_is_validated_here(tmp_path, monkeypatch, parallel):
    # A validator that dies without a verdict: the importer validates the file itself before committing.
    monkeypatch.setattr(iati_import, "_CAN_FORK", False)
    monkeypatch.setattr(iati_import.sys, "executable", "/bin/false")
    bad = "<iati-activity><iati-identifier>BAD</iati-identifier></iati-activity>"
    result = Importer().import_file(_file(tmp_path, _activity("OK"), bad))
    assert not result.ok and "Missing child element(s)" in result.error and result.rejected == 2
    assert Importer().import_file(_file(tmp_path, _activity("OK"), name="ok.xml")).ok
    assert Project.objects.count() == 1


def test_a_reader_process_that_dies_leaves_nothing_behind(tmp_path, monkeypatch, parallel):
    monkeypatch.setattr(iati_import, "_CAN_FORK", True)
    real = iati_import.Importer.prepare
    calls = []

    def dying(self, activity, path):
        calls.append(1)
        if len(calls) > 600:
            os._exit(1)  # killed, say, by the system running out of memory
        return real(self, activity, path)

    monkeypatch.setattr(iati_import.Importer, "prepare", dying)
    result = Importer().import_file(_file(tmp_path, *[_activity(f"D-{i}") for i in range(800)]))
    assert not result.ok and result.error == "the process reading the file stopped without an answer"
    assert result.imported == result.updated == 0
    assert Project.objects.count() == 0 and Transaction.objects.count() == 0


def test_an_error_of_the_reader_process_is_reported_not_swallowed(tmp_path, monkeypatch, parallel):
    monkeypatch.setattr(iati_import, "_CAN_FORK", True)

    def broken(self, activity, path):
        raise KeyError("a bug")

    monkeypatch.setattr(iati_import.Importer, "prepare", broken)
    with pytest.raises(RuntimeError, match="KeyError: 'a bug'"):
        Importer().import_file(_file(tmp_path, _activity("E-1")))
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    "ending",
    ["</iati-activities>\n<!-- exported by hoptac -->\n<?done?>\n", "</iati-activities   >", "</iati-activities>"],
)
def test_a_whole_file_ending_in_comments_or_spaces_is_not_taken_for_truncated(tmp_path, monkeypatch, ending):
    path = _file(tmp_path, *[_activity(f"W-{i}") for i in range(3)])
    text = path.read_text().rstrip()
    assert text.endswith("</iati-activities>")
    path.write_text(text.removesuffix("</iati-activities>") + ending)
    inline, parallel = _both(path, monkeypatch)
    assert parallel == inline and parallel[0] and parallel[2] == 3


@pytest.mark.parametrize("cut", [1, 19, 200, 5000, "<value", "<transaction-type"])
def test_a_file_cut_anywhere_is_rejected_as_when_reading_here(tmp_path, monkeypatch, cut):
    # Validating, libxml2 2.14 closes what a cut file leaves open and says nothing.
    full = _file(tmp_path, *[_activity(f"C-{i}") for i in range(700)]).read_bytes().rstrip()
    end = len(full) - cut if isinstance(cut, int) else full.rindex(cut.encode())
    path = tmp_path / "cut.xml"
    path.write_bytes(full[:end])
    inline, parallel = _both(path, monkeypatch)
    assert parallel == inline and not parallel[0] and parallel[1].startswith("not well-formed XML")
    assert Project.objects.count() == 0


@pytest.mark.parametrize("text", ["Roads & bridges", "R&D", "A&nbsp;B", "A &amp B"])
def test_a_bare_ampersand_rejects_the_file_in_every_mode(tmp_path, monkeypatch, text):
    # Validating, libxml2 2.14 stops at a bare "&" without a word and closes the file there: the
    # activities before it would be imported and the rest dropped, with the file called ok.
    activities = [_activity(f"A-{i}") for i in range(1200)]
    activities[700] = activities[700].replace("About A-700", text)
    path = _file(tmp_path, *activities)
    inline, parallel = _both(path, monkeypatch)
    assert parallel == inline and not parallel[0] and parallel[1].startswith("not well-formed XML")
    assert Project.objects.count() == 0


def test_an_interrupted_import_stops_its_reader_and_keeps_nothing(tmp_path, monkeypatch, parallel):
    import multiprocessing

    monkeypatch.setattr(iati_import, "_CAN_FORK", True)

    def interrupted(self, batch, path, result):
        raise KeyboardInterrupt  # Ctrl-C while the first batch is written

    monkeypatch.setattr(iati_import.Importer, "write_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Importer().import_file(_file(tmp_path, *[_activity(f"I-{i}") for i in range(1200)]))
    assert parallel and multiprocessing.active_children() == []
    assert Project.objects.count() == 0
