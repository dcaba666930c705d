"""Derived task states on a fixed day, across deadline boundaries."""

import datetime

import pytest

from hoptac.programmes.deadlines import (
    closing_status,
    current_round,
    cycle_rounds,
    deadline_in_force,
    occurrences,
    programme_rounds,
    task_state,
)
from hoptac.programmes.models import ProgressReport, ReportingCycle, Task

D = datetime.date


def state(task, day, soon=30):
    return task_state(task, day, soon=soon)


@pytest.mark.django_db
class TestDateDeadline:
    def test_boundaries(self, make_task):
        task = make_task(deadline_kind="date", deadline=D(2026, 3, 31))
        assert state(task, D(2026, 2, 28)).code == "on_track"  # 31 days left
        assert state(task, D(2026, 3, 1)).code == "due_soon"  # 30 days left
        assert state(task, D(2026, 3, 31)).code == "due_soon"  # due today is not late
        late = state(task, D(2026, 4, 1))
        assert late.code == "overdue" and late.days_late == 1 and late.due == D(2026, 3, 31)
        assert state(task, D(2026, 7, 9)).days_late == 100

    def test_closed_and_suspended_tasks_are_never_late(self, make_task):
        done = make_task(deadline_kind="date", deadline=D(2026, 1, 31), status="completed", completed_on=D(2026, 1, 20))
        late = make_task(
            deadline_kind="date", deadline=D(2026, 1, 31), status="completed_late", completed_on=D(2026, 2, 10)
        )
        paused = make_task(deadline_kind="date", deadline=D(2026, 1, 31), status="suspended")
        day = D(2026, 6, 1)
        assert [state(t, day).code for t in (done, late, paused)] == ["completed", "completed_late", "suspended"]

    def test_completed_late_is_decided_by_the_day_it_was_done(self, make_task):
        task = make_task(deadline_kind="date", deadline=D(2026, 3, 31))
        assert closing_status(task, D(2026, 3, 31)) == "completed"
        assert closing_status(task, D(2026, 4, 1)) == "completed_late"

    def test_no_deadline(self, make_task):
        assert state(make_task(), D(2026, 3, 10)).code == "no_deadline"


def report(task, day, status="accepted", kind="report"):
    return ProgressReport.objects.create(
        task=task, unit=task.lead_unit, reported_on=day, narrative="x", percent=10, status=status, kind=kind
    )


@pytest.mark.django_db
class TestYearly:
    def test_occurrences_clamp_to_the_month(self, make_task):
        task = make_task(deadline_kind="yearly", deadline_month=2, deadline_day=29)
        assert occurrences(task, D(2026, 1, 1), D(2028, 12, 31)) == [D(2026, 2, 28), D(2027, 2, 28), D(2028, 2, 29)]

    def test_first_occurrence_after_the_programme_start(self, make_task):
        # Programme dated 01/06/2025: 15/12/2025 is the first time it falls due.
        task = make_task(deadline_kind="yearly", deadline_month=12, deadline_day=15)
        assert state(task, D(2025, 11, 14)).code == "on_track"
        assert state(task, D(2025, 11, 15)).code == "due_soon"
        assert state(task, D(2025, 12, 15)).code == "due_soon"
        late = state(task, D(2025, 12, 16))
        assert late.code == "overdue" and late.due == D(2025, 12, 15) and late.days_late == 1

    def test_a_report_meets_the_occurrence_even_late(self, make_task):
        task = make_task(deadline_kind="yearly", deadline_month=12, deadline_day=15)
        report(task, D(2026, 1, 10))  # late for 15/12/2025
        assert state(task, D(2026, 1, 11)).code == "on_track"
        assert deadline_in_force(task, D(2026, 1, 11)) == D(2026, 12, 15)

    def test_each_year_needs_its_report(self, make_task):
        task = make_task(deadline_kind="yearly", deadline_month=12, deadline_day=15)
        report(task, D(2025, 12, 1))
        assert state(task, D(2026, 3, 10)).code == "on_track"
        assert state(task, D(2026, 12, 1)).code == "due_soon"
        late = state(task, D(2026, 12, 20))
        assert late.code == "overdue" and late.due == D(2026, 12, 15) and late.days_late == 5

    def test_a_returned_report_does_not_count(self, make_task):
        task = make_task(deadline_kind="yearly", deadline_month=12, deadline_day=15)
        report(task, D(2025, 12, 1), status="returned")
        report(task, D(2025, 12, 2), kind="contribution")
        assert state(task, D(2026, 1, 5)).code == "overdue"


@pytest.mark.django_db
class TestQuarterly:
    def test_quarter_days_and_late(self, make_task):
        task = make_task(deadline_kind="quarterly", deadline_day=20, deadline_month=3)
        assert occurrences(task, D(2026, 1, 1), D(2026, 12, 31)) == [
            D(2026, 3, 20),
            D(2026, 6, 20),
            D(2026, 9, 20),
            D(2026, 12, 20),
        ]
        report(task, D(2026, 3, 1))  # meets 20/03/2026
        assert state(task, D(2026, 3, 21)).code == "on_track"
        assert state(task, D(2026, 6, 1)).code == "due_soon"
        assert state(task, D(2026, 6, 21)).days_late == 1

    def test_phase_by_month(self, make_task):
        task = make_task(deadline_kind="quarterly", deadline_day=31, deadline_month=1)
        assert occurrences(task, D(2026, 1, 1), D(2026, 12, 31)) == [
            D(2026, 1, 31),
            D(2026, 4, 30),
            D(2026, 7, 31),
            D(2026, 10, 31),
        ]


@pytest.mark.django_db
class TestRegularAndRounds:
    def test_rounds_of_a_six_monthly_cycle(self, cycle):
        rounds = cycle_rounds(cycle, D(2026, 1, 1), D(2026, 12, 31))
        assert [(r.period_start, r.period_end, r.due_date) for r in rounds] == [
            (D(2026, 1, 1), D(2026, 6, 30), D(2026, 6, 15)),
            (D(2026, 7, 1), D(2026, 12, 31), D(2026, 12, 15)),
        ]
        assert rounds[0].opens_on == D(2026, 5, 16)

    def test_yearly_cycle_due_the_month_after(self, programme):
        cycle = ReportingCycle.objects.create(programme=programme, frequency="yearly", due_day=31, due_month_offset=1)
        rounds = cycle_rounds(cycle, D(2026, 2, 1), D(2027, 12, 31))
        assert [(r.period_end, r.due_date) for r in rounds] == [(D(2026, 12, 31), D(2027, 1, 31))]

    def test_quarterly_cycle_clamps_the_due_day(self, programme):
        cycle = ReportingCycle.objects.create(programme=programme, frequency="quarterly", due_day=31)
        dues = [r.due_date for r in cycle_rounds(cycle, D(2026, 1, 1), D(2026, 12, 31))]
        assert dues == [D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)]

    def test_regular_task_falls_due_each_round(self, make_task, cycle):
        task = make_task(deadline_kind="regular")
        # The programme is dated 01/06/2025: the first round is due 15/06/2025.
        assert state(task, D(2025, 6, 10)).code == "due_soon"
        assert state(task, D(2025, 12, 1)).due == D(2025, 6, 15)
        report(task, D(2025, 6, 12))
        assert state(task, D(2025, 12, 1)).code == "due_soon"
        assert state(task, D(2025, 12, 16)).code == "overdue"
        report(task, D(2025, 12, 18))
        assert state(task, D(2026, 3, 10)).code == "on_track"
        assert deadline_in_force(task, D(2026, 3, 10)) == D(2026, 6, 15)
        assert state(task, D(2026, 6, 16)).days_late == 1

    def test_regular_task_without_a_cycle_has_no_deadline(self, make_task):
        assert state(make_task(deadline_kind="regular"), D(2026, 3, 10)).code == "no_deadline"

    def test_completed_late_for_a_recurring_task(self, make_task, cycle):
        task = make_task(deadline_kind="regular")
        assert closing_status(task, D(2025, 6, 20)) == "completed_late"  # the round of 15/06/2025 was missed
        report(task, D(2025, 6, 10))
        assert closing_status(task, D(2025, 12, 10)) == "completed"
        assert closing_status(task, D(2025, 12, 20)) == "completed_late"

    def test_open_rounds_and_the_current_one(self, programme, cycle):
        rounds = programme_rounds(programme, D(2026, 6, 1))
        assert rounds[0].period_end == D(2026, 12, 31) and not rounds[0].is_open(D(2026, 6, 1))
        assert rounds[1].period_end == D(2026, 6, 30) and rounds[1].is_open(D(2026, 6, 1))
        assert current_round(programme, D(2026, 6, 1)).due_date == D(2026, 6, 15)
        assert current_round(programme, D(2026, 1, 5)).due_date == D(2025, 12, 15)


def test_task_status_values_are_the_issue_names():
    assert Task.Status.values == ["not_started", "in_progress", "completed", "completed_late", "suspended"]
    assert Task.DeadlineKind.values == ["date", "yearly", "quarterly", "regular", "none"]
