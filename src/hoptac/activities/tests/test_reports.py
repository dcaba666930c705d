"""The post-event / post-trip report: its due date and lateness at the boundaries, fixed clock."""

import datetime

import pytest
from django.test import override_settings

from hoptac.activities import services
from hoptac.activities.models import Delegation, Event, report_days

pytestmark = pytest.mark.django_db
D = datetime.date


def test_report_due_15_days_after_the_end_by_default(make_event, approver, monkeypatch):
    monkeypatch.delenv("HOPTAC_EVENT_REPORT_DAYS", raising=False)
    event = make_event(
        user=approver, start_date=D(2025, 11, 25), end_date=D(2025, 11, 27), status="held", approval_date=D(2025, 11, 1)
    )
    assert event.report_due() == D(2025, 12, 12)
    assert event.report_owed()
    assert not event.report_late(D(2025, 12, 12))  # the due day itself is on time
    assert event.report_late(D(2025, 12, 13))
    assert event.report_days_left(D(2025, 12, 5)) == 7


def test_report_days_from_settings_or_environment(make_event, approver, monkeypatch):
    monkeypatch.setenv("HOPTAC_EVENT_REPORT_DAYS", "10")
    assert report_days("event") == 10
    with override_settings(HOPTAC_EVENT_REPORT_DAYS=5):
        assert report_days("event") == 5
    monkeypatch.setenv("HOPTAC_EVENT_REPORT_DAYS", "not a number")
    assert report_days("event") == 15
    monkeypatch.setenv("HOPTAC_DELEGATION_REPORT_DAYS", "30")
    assert report_days("delegation") == 30


def test_a_set_due_date_wins_over_the_default(make_event):
    event = make_event(report_due_on=D(2025, 12, 1))
    assert event.report_due() == D(2025, 12, 1)


def test_filed_late_is_derived_from_the_filing_date(make_event, approver):
    event = make_event(user=approver, status="held", approval_date=D(2025, 11, 1), today=D(2026, 1, 1))
    due = event.report_due()
    on_time = services.event_transition(
        event, user=approver, version=event.version, status="reported", on=due, today=D(2026, 1, 1)
    )
    assert not on_time.report_filed_late() and not on_time.report_late(D(2026, 1, 1))
    late = services.event_update(
        on_time,
        user=approver,
        version=on_time.version,
        report_filed_on=due + datetime.timedelta(days=1),
        today=D(2026, 1, 1),
    )
    assert late.report_filed_late() and late.report_late(D(2026, 1, 1))


def test_a_planned_or_cancelled_event_owes_no_report(make_event, approver):
    event = make_event()
    assert not event.report_owed() and not event.report_late(D(2030, 1, 1))
    cancelled = services.event_transition(event, user=approver, version=1, status=Event.Status.CANCELLED)
    assert not cancelled.report_late(D(2030, 1, 1))


def test_post_trip_report_due_after_return(make_delegation, approver, monkeypatch):
    monkeypatch.delenv("HOPTAC_DELEGATION_REPORT_DAYS", raising=False)
    d = make_delegation(user=approver, status=Delegation.Status.RETURNED, approval_date=D(2024, 9, 1))
    assert d.report_due() == D(2024, 10, 22)
    assert not d.report_late(D(2024, 10, 22)) and d.report_late(D(2024, 10, 23))
