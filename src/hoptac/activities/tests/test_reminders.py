import datetime

import pytest
from django.core.management import call_command

from hoptac.activities import reminders, services
from hoptac.notifications.models import Notification

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def held_event(make_event, approver):
    # Ends 27/11/2025: report due 12/12/2025.
    return make_event(user=approver, status="held", approval_date=D(2025, 11, 1))


def keys(today, user=None):
    return sorted({i.key for i in reminders.due_items(today) if user is None or i.user_id == user.pk})


def test_report_due_within_seven_days_then_late(held_event, editor, monkeypatch):
    monkeypatch.delenv("HOPTAC_EVENT_REPORT_DAYS", raising=False)
    pk = held_event.pk
    assert keys(D(2025, 12, 4)) == []
    assert keys(D(2025, 12, 5), editor) == [f"event:{pk}:report-due"]
    assert keys(D(2025, 12, 12), editor) == [f"event:{pk}:report-due"]
    assert keys(D(2025, 12, 13), editor) == [f"event:{pk}:report-late"]
    item = next(i for i in reminders.due_items(D(2025, 12, 13)) if i.user_id == editor.pk)
    assert item.overdue and item.due_date == D(2025, 12, 12) and "12/12/2025" in item.title


def test_recipients_are_the_units_people_and_the_creator_not_viewers(
    held_event, editor, approver, viewer, contributor_b
):
    users = {i.user_id for i in reminders.due_items(D(2025, 12, 13))}
    assert editor.pk in users and approver.pk in users
    assert viewer.pk not in users and contributor_b.pk not in users


def test_a_filed_report_stops_the_reminders(held_event, approver):
    services.event_transition(
        held_event,
        user=approver,
        version=held_event.version,
        status="reported",
        on=D(2025, 12, 13),
        today=D(2025, 12, 13),
    )
    assert keys(D(2025, 12, 14)) == []


def test_post_trip_report_and_overdue_follow_ups(make_delegation, make_event, approver, unit_b, contributor_b):
    trip = make_delegation(user=approver, status="returned", approval_date=D(2024, 9, 1))
    event = make_event(follow_ups=[services.FollowUp("Gửi kỷ yếu", unit_b, D(2025, 12, 10))])
    found = keys(D(2025, 12, 11))
    assert f"delegation:{trip.pk}:report-late" in found
    action = event.follow_ups.get()
    assert keys(D(2025, 12, 10), contributor_b) == []
    assert keys(D(2025, 12, 11), contributor_b) == [f"followup:{action.pk}:overdue"]
    services.follow_up_set_done(action, user=contributor_b, done=True, today=D(2025, 12, 11))
    assert keys(D(2025, 12, 12), contributor_b) == []


def test_remind_sends_each_item_once_a_day(held_event, editor, capsys):
    call_command("remind", "--date", "2025-12-13")
    first = int(capsys.readouterr().out.strip().splitlines()[-1].split()[-1])
    call_command("remind", "--date", "2025-12-13")
    second = capsys.readouterr().out.strip().splitlines()[-1]
    assert first >= 2 and second == "sent 0"
    assert Notification.objects.filter(user=editor, key=f"event:{held_event.pk}:report-late").count() == 1
    call_command("remind", "--date", "2025-12-14")
    assert Notification.objects.filter(user=editor, key=f"event:{held_event.pk}:report-late").count() == 2


def test_a_unit_without_people_falls_back_to_the_editors_below_it(make_event, approver, editor, contributor):
    from hoptac.org.models import Unit

    ministry = Unit.objects.get(code="BNV")  # editor, approver and contributor are in BNV-HTQT, below it
    event = make_event(user=approver, organiser_unit=ministry, status="held", approval_date=D(2025, 11, 1))
    users = {i.user_id for i in reminders.due_items(D(2025, 12, 13)) if i.key == f"event:{event.pk}:report-late"}
    assert users == {editor.pk, approver.pk}
