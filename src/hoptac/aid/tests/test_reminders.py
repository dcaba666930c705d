import datetime

import pytest

from hoptac.aid import reminders, services
from hoptac.aid.models import Status
from hoptac.aid.tests.factories import make_project

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def _keys(items, user=None):
    return sorted(i.key for i in items if user is None or i.user_id == user.pk)


@pytest.mark.usefixtures("english_messages")
def test_running_projects_near_or_past_their_planned_end(editor, contributor, viewer, contributor_b):
    soon = make_project(editor, code="SOON", planned_end=TODAY + datetime.timedelta(days=90))
    late = make_project(editor, code="LATE", status=Status.FINALISATION, planned_end=TODAY - datetime.timedelta(days=1))
    today = make_project(editor, code="TODAY", planned_end=TODAY)  # ends today: not late yet
    make_project(editor, code="LATER", planned_end=TODAY + datetime.timedelta(days=91))
    make_project(editor, code="ENDED", planned_end=TODAY, actual_end=TODAY)
    make_project(editor, code="PIPELINE", status=Status.PIPELINE, planned_end=TODAY)
    make_project(editor, code="CLOSED", status=Status.CLOSED, planned_end=TODAY - datetime.timedelta(days=30))
    make_project(editor, code="OPEN-ENDED", planned_end=None)

    items = reminders.due_items(TODAY)
    expected = sorted(
        [
            f"project:{late.pk}:overdue-2026-05-31",
            f"project:{soon.pk}:ends-2026-08-30",
            f"project:{today.pk}:ends-2026-06-01",
        ]
    )
    # The owner unit's users who may act; not its viewers, not another unit's users.
    assert _keys(items, editor) == _keys(items, contributor) == expected
    assert _keys(items, viewer) == [] and _keys(items, contributor_b) == []
    overdue = next(i for i in items if i.key.startswith(f"project:{late.pk}:") and i.user_id == editor.pk)
    assert overdue.overdue and overdue.due_date == datetime.date(2026, 5, 31) and overdue.kind == "project"
    assert overdue.url == late.get_absolute_url() and "31/05/2026" in overdue.title and "actual end" in overdue.title
    upcoming = next(i for i in items if i.key.startswith(f"project:{soon.pk}:") and i.user_id == editor.pk)
    assert not upcoming.overdue and "is planned to end on 30/08/2026" in upcoming.title


def test_recording_the_actual_end_or_a_new_planned_end_settles_it(editor):
    project = make_project(editor, planned_end=TODAY - datetime.timedelta(days=10))
    assert _keys(reminders.due_items(TODAY), editor) == [f"project:{project.pk}:overdue-2026-05-22"]
    project = services.project_update(
        project, user=editor, version=project.version, planned_end=datetime.date(2026, 12, 31)
    )
    assert _keys(reminders.due_items(TODAY), editor) == []
    services.project_update(project, user=editor, version=project.version, actual_end=TODAY)
    assert reminders.due_items(datetime.date(2027, 1, 5)) == []


def test_window_is_a_setting(settings, editor, monkeypatch):
    project = make_project(editor, planned_end=TODAY + datetime.timedelta(days=20))
    settings.HOPTAC_PROJECT_END_SOON_DAYS = 14
    assert reminders.due_items(TODAY) == []
    settings.HOPTAC_PROJECT_END_SOON_DAYS = None
    monkeypatch.setenv("HOPTAC_PROJECT_END_SOON_DAYS", "30")
    assert _keys(reminders.due_items(TODAY), editor) == [f"project:{project.pk}:ends-2026-06-21"]
    monkeypatch.setenv("HOPTAC_PROJECT_END_SOON_DAYS", "not a number")
    assert reminders.end_soon_days() == reminders.DEFAULT_END_SOON_DAYS


def test_a_project_without_owner_unit_reminds_nobody(editor):
    project = make_project(editor, planned_end=TODAY)
    services.project_update(project, user=editor, version=project.version, owner_unit=None)
    assert reminders.due_items(TODAY) == []
