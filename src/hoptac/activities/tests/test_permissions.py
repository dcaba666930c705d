import datetime

import pytest
from django.core.exceptions import PermissionDenied

from hoptac.activities import selectors, services
from hoptac.activities.models import Event
from hoptac.org.permissions import can_change, can_view

pytestmark = pytest.mark.django_db
D = datetime.date


def test_contributor_sees_and_changes_only_its_units_records(make_event, contributor, contributor_b, unit_a):
    event = make_event(user=contributor)
    assert event.organiser_unit == unit_a
    assert list(selectors.event_list(contributor)) == [event]
    assert list(selectors.event_list(contributor_b)) == []
    assert can_change(contributor, event) and not can_change(contributor_b, event)
    with pytest.raises(PermissionDenied):
        services.event_update(event, user=contributor_b, version=1, title_vi="x")


def test_contributor_cannot_create_for_another_unit(make_event, contributor, unit_b):
    with pytest.raises(PermissionDenied):
        make_event(user=contributor, organiser_unit=unit_b)


def test_follow_up_owner_unit_sees_the_event(make_event, contributor_b, unit_b):
    event = make_event(follow_ups=[services.FollowUp("Gửi báo cáo", unit_b, D(2025, 12, 15))])
    assert can_view(contributor_b, event)
    assert list(selectors.event_list(contributor_b)) == [event]


def test_viewer_reads_but_does_not_write(make_event, viewer):
    event = make_event()
    assert can_view(viewer, event) and not can_change(viewer, event)
    with pytest.raises(PermissionDenied):
        make_event(user=viewer)


def test_only_approvers_publish_and_delete_needs_a_writer(make_event, editor, approver, contributor):
    event = make_event()
    with pytest.raises(PermissionDenied):
        services.event_update(event, user=editor, version=1, is_published=True)
    event = services.event_update(event, user=approver, version=1, is_published=True)
    assert event.is_published
    with pytest.raises(PermissionDenied):
        services.event_delete(event, user=contributor)
    services.event_delete(event, user=editor)
    assert not Event.objects.filter(pk=event.pk).exists()


def test_contributor_delegations_scoped_by_unit_and_members(make_delegation, contributor, contributor_b, unit_b):
    d = make_delegation(members=[services.Member("Nguyễn Văn A", "Chuyên viên", unit_b)])
    assert list(selectors.delegation_list(contributor)) == [d]
    assert list(selectors.delegation_list(contributor_b)) == [d]  # a member's unit sees the trip
    assert can_change(contributor_b, d)
