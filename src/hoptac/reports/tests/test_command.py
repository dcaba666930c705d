"""The contract: hoptac report KIND --from --to --format [--lang] [--out]; last line is the path."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_writes_the_file_and_prints_its_path_last(tmp_path, capsys, records):
    out = tmp_path / "sub" / "annual.docx"
    call_command(
        "report", "annual", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "docx", "--out", str(out)
    )
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines()[-1] == str(out.resolve())
    assert out.read_bytes().startswith(b"PK")
    assert "[1/7]" in captured.err and "[7/7]" in captured.err  # progress


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_default_file_name_in_the_current_directory(tmp_path, monkeypatch, capsys, fmt):
    monkeypatch.chdir(tmp_path)
    call_command("report", "agreements", "--from", "2025-01-01", "--to", "2025-12-31", "--format", fmt, "--lang", "en")
    path = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert path == tmp_path / f"hoptac-agreements-20250101-20251231-en.{fmt}"
    assert path.exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["yearly", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "docx"], "unknown report kind"),
        (["annual", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "odt"], "unknown format"),
        (["annual", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "pdf", "--lang", "fr"], "language"),
        (["annual", "--from", "2025-13-01", "--to", "2025-12-31", "--format", "pdf"], "not a date"),
        (["annual", "--from", "2025-12-31", "--to", "2025-01-01", "--format", "pdf"], "before"),
        (["annual", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "pdf", "--unit", "NOPE"], "unknown unit"),
    ],
)
def test_bad_input_is_a_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args)


def test_unit_by_code(tmp_path, capsys):
    out = tmp_path / "r.pdf"
    call_command(
        "report", "programme-progress", "--from", "2025-01-01", "--to", "2025-06-30", "--format", "pdf",
        "--unit", "BNV-HTQT", "--out", str(out),
    )  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF")


def test_console_script_bad_input_exit_code(tmp_path):
    """Through the real `hoptac` entry point: exit 1 and one line on stderr, no traceback."""
    hoptac = Path(sys.executable).parent / "hoptac"
    env = {"HOPTAC_DATA_DIR": str(tmp_path), "HOPTAC_DEBUG": "1", "PATH": "/usr/bin:/bin"}
    bad = subprocess.run(
        [str(hoptac), "report", "annual", "--from", "x", "--to", "2025-06-30", "--format", "xlsx"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr and "not a date" in bad.stderr
