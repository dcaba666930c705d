"""The lifecycle table in code and in docs/agreements.md agree; services follow it."""

import re
from pathlib import Path

import pytest

from hoptac.agreements import lifecycle, services
from hoptac.agreements.models import Agreement
from hoptac.agreements.tests.factories import agreement

DOC = Path(__file__).resolve().parents[4] / "docs" / "agreements.md"


def documented_transitions() -> dict[str, tuple[str, ...]]:
    table = DOC.read_text().split("| from | allowed next states |")[1].split("\n\n")[0]
    rows = {}
    for line in table.strip().splitlines()[1:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = tuple(re.findall(r"[a-z_]+", cells[1].replace("final", "")))
    return rows


def test_docs_table_matches_the_code():
    assert documented_transitions() == {str(k): tuple(str(s) for s in v) for k, v in lifecycle.TRANSITIONS.items()}


def test_every_status_has_a_row():
    assert set(lifecycle.TRANSITIONS) == set(Agreement.Status.values)
    for targets in lifecycle.TRANSITIONS.values():
        assert set(targets) <= set(Agreement.Status.values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "path"),
    [
        ("proposed", ["negotiating", "consulting", "approved", "signed", "in_force", "suspended", "in_force"]),
        ("in_force", ["expired", "in_force", "terminated"]),
    ],
)
def test_allowed_paths(approver, start, path):
    a = agreement(approver, status=start)
    for step in path:
        a = services.agreement_transition(a, user=approver, to_status=step)
        assert a.status == step
    assert a.status_changes.count() == len(path) + 1
    assert a.version == len(path) + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "refused"),
    [
        ("proposed", "signed"),
        ("proposed", "in_force"),
        ("negotiating", "signed"),
        ("signed", "approved"),
        ("in_force", "proposed"),
        ("terminated", "in_force"),
        ("superseded", "in_force"),
    ],
)
def test_refused_steps(editor, start, refused):
    extra = {"signed_on": None} if start in ("terminated", "superseded") else {}
    if start == "superseded":
        extra["superseded_by"] = agreement(editor)
    a = agreement(editor, status=start, **extra)
    with pytest.raises(services.TransitionError) as exc:
        services.agreement_transition(a, user=editor, to_status=refused)
    assert exc.value.allowed == list(lifecycle.allowed_next(start))
    a.refresh_from_db()
    assert a.status == start and a.status_changes.count() == 1
