import datetime

import pytest

from hoptac.notifications.services import reminders_send
from hoptac.programmes.models import ProgressReport
from hoptac.programmes.reminders import due_items

pytestmark = pytest.mark.django_db

D = datetime.date


def keys(items, user=None):
    return sorted(i.key for i in items if user is None or i.user_id == user.pk)


def test_task_due_soon_then_overdue(make_task, contributor, contributor_b, viewer):
    task = make_task(deadline_kind="date", deadline=D(2026, 3, 31))
    assert keys(due_items(D(2026, 3, 23)), contributor) == []  # 8 days left: not yet
    soon = [i for i in due_items(D(2026, 3, 24)) if i.user_id == contributor.pk]
    assert [i.key for i in soon] == [f"task:{task.pk}:due-2026-03-31"] and not soon[0].overdue
    late = [i for i in due_items(D(2026, 4, 2)) if i.user_id == contributor.pk]
    assert [i.key for i in late] == [f"task:{task.pk}:overdue-2026-03-31"] and late[0].overdue
    # Only the lead unit's people are reminded; viewers are not.
    assert keys(due_items(D(2026, 4, 2)), contributor_b) == []
    assert keys(due_items(D(2026, 4, 2)), viewer) == []


def test_closed_tasks_are_not_reminded(make_task, contributor):
    make_task(deadline_kind="date", deadline=D(2026, 3, 31), status="completed", completed_on=D(2026, 3, 1))
    make_task(deadline_kind="date", deadline=D(2026, 3, 31), status="suspended")
    assert due_items(D(2026, 4, 2)) == []


def test_report_round_before_and_after_the_due_day(programme, cycle, make_task, contributor, other_ministry):
    mine = make_task(code="1")
    make_task(code="2", lead_unit=other_ministry)
    unit = mine.lead_unit_id
    before = keys(due_items(D(2026, 6, 8)), contributor)  # 7 days before 15/06
    assert f"round:{programme.pk}:2026-06-30:unit:{unit}:due" in before
    assert keys(due_items(D(2026, 6, 7)), contributor) == []  # too early
    after = keys(due_items(D(2026, 6, 16)), contributor)
    assert f"round:{programme.pk}:2026-06-30:unit:{unit}:late" in after
    ProgressReport.objects.create(
        task=mine, unit=mine.lead_unit, reported_on=D(2026, 6, 16), narrative="x", percent=10, period_end=D(2026, 6, 30)
    )
    assert not [k for k in keys(due_items(D(2026, 6, 17)), contributor) if k.startswith("round:")]


def test_remind_twice_on_a_day_sends_once(make_task, contributor):
    make_task(deadline_kind="date", deadline=D(2026, 3, 31))
    first = reminders_send(D(2026, 4, 2))
    assert first >= 1
    assert reminders_send(D(2026, 4, 2)) == 0
