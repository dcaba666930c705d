import datetime

import pytest

from hoptac.programmes.demo import TASKS, load_demo
from hoptac.programmes.models import Programme, ProgressReport, Task
from hoptac.programmes.selectors import overdue_tasks, task_list

DAY = datetime.date(2026, 12, 3)


@pytest.fixture
def demo(db):
    return load_demo(DAY)


def test_demo_programme_from_the_seed(demo):
    assert demo.document_number == "153/NQ-CP"
    assert demo.document_date == datetime.date(2025, 5, 31)
    assert demo.implements_number == "59-NQ/TW"
    assert demo.implements_date == datetime.date(2025, 1, 24)
    assert demo.tasks.count() == len(TASKS)
    assert "Demo data" in demo.notes
    leads = set(demo.tasks.exclude(lead_unit=None).values_list("lead_unit__code", flat=True))
    assert leads == {"BNV", "BVHTTDL", "BNNMT", "BYT", "BGDDT", "BNG", "BTC", "BDTTG"}
    assert all("Demo data" in t.notes for t in demo.tasks.all())
    culture = demo.tasks.filter(field__code="culture")
    assert culture.count() == 4 and set(culture.values_list("lead_unit__code", flat=True)) == {"BVHTTDL"}


def test_demo_is_idempotent_and_moves_with_the_day(demo):
    counts = (Programme.objects.count(), Task.objects.count(), ProgressReport.objects.count())
    load_demo(DAY)
    assert (Programme.objects.count(), Task.objects.count(), ProgressReport.objects.count()) == counts
    load_demo(DAY + datetime.timedelta(days=30))
    assert (Programme.objects.count(), Task.objects.count()) == counts[:2]
    assert Task.objects.get(code="2.2").deadline == DAY + datetime.timedelta(days=20)


def test_demo_shows_every_state(demo, admin_user):
    states = {t.code: t.st.code for t in task_list(admin_user, today=DAY)}
    assert states["2.2"] == "overdue"
    assert states["2.4"] == "due_soon"
    assert states["4.1"] == "on_track"
    assert states["2.3"] == "completed"
    assert states["3.1"] == "completed_late"
    assert states["1.2"] == "due_soon"
    assert states["9.1"] == "no_deadline"
    # Regular tasks report in every round; 4.4 missed the latest one (due 15/06/2026).
    assert states["1.1"] == states["2.1"] == states["6.1"] == "on_track"
    late = {t.code: t.st for t in task_list(admin_user, today=DAY, state="overdue")}
    assert late["4.4"].due == datetime.date(2026, 6, 15) and late["4.4"].days_late == 171
    late = overdue_tasks(admin_user, today=DAY)
    assert [t.st.days_late for t in late] == sorted((t.st.days_late for t in late), reverse=True)
    assert {t.code for t in late} >= {"1.3", "2.2", "4.3", "6.2", "8.1", "10.2"}
