import datetime

import pytest
from django.core import mail

from hoptac.agreements import reminders, services
from hoptac.agreements.models import ImplementationActivity
from hoptac.agreements.tests.factories import agreement
from hoptac.notifications import due
from hoptac.notifications.models import Notification
from hoptac.notifications.services import reminders_send
from hoptac.org.models import User

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def only_agreements(monkeypatch):
    """Other apps' reminders are their business; count only ours."""
    monkeypatch.setattr(due, "providers", lambda: [reminders.due_items])


@pytest.fixture
def ending(editor, contributor, viewer, unit_a):
    editor.email = "editor@example.org"
    editor.save()
    # In force until 31/12/2026; registered by the editor, owned by unit A.
    return agreement(
        editor,
        owner_unit=unit_a,
        signed_on=D(2025, 1, 1),
        in_force_from=D(2025, 1, 1),
        valid_until=D(2026, 12, 31),
    )


def keys(today):
    return sorted({i.key for i in reminders.due_items(today)})


def test_windows_90_30_7_and_expired(ending):
    pk = ending.pk
    assert keys(D(2026, 10, 1)) == []  # 91 days left
    assert keys(D(2026, 10, 2)) == [f"agreement:{pk}:expires-in-90"]
    assert keys(D(2026, 12, 1)) == [f"agreement:{pk}:expires-in-30"]
    assert keys(D(2026, 12, 24)) == [f"agreement:{pk}:expires-in-7"]
    assert keys(D(2026, 12, 31)) == [f"agreement:{pk}:expires-in-7"]
    assert keys(D(2027, 1, 1)) == [f"agreement:{pk}:expired"]
    services.agreement_transition(ending, user=ending.created_by, to_status="expired", date=D(2027, 1, 2))
    assert keys(D(2027, 1, 3)) == []


def test_responsible_users_are_the_units_acting_users_and_the_creator(ending, editor, contributor, viewer, approver):
    users = {i.user_id for i in reminders.due_items(D(2026, 12, 1))}
    # Unit A's admin/approver/editor/contributor users; never the viewer.
    assert {editor.pk, contributor.pk, approver.pk} <= users
    assert viewer.pk not in users


def test_creator_outside_the_unit_is_reminded(contributor_b, unit_b, editor):
    a = agreement(editor, owner_unit=unit_b, valid_until=D(2026, 12, 31))
    users = {i.user_id for i in reminders.due_items(D(2026, 12, 1)) if i.key.startswith(f"agreement:{a.pk}:")}
    assert users == {contributor_b.pk, editor.pk}


def test_sent_once_a_day_per_item(ending, only_agreements, editor):
    first = reminders_send(D(2026, 12, 1))
    assert first >= 1
    assert reminders_send(D(2026, 12, 1)) == 0
    assert Notification.objects.filter(user=editor, key=f"agreement:{ending.pk}:expires-in-30").count() == 1
    assert len([m for m in mail.outbox if m.to == ["editor@example.org"]]) == 1
    # Next day: reminded again (the item is still due).
    assert reminders_send(D(2026, 12, 2)) == first


def test_overdue_implementation_activity(ending, only_agreements, unit_b, contributor_b, editor):
    activity = services.activity_create(
        user=editor, agreement=ending, title="Hội thảo", owner_unit=unit_b, due_date=D(2025, 6, 30)
    )
    assert keys(D(2025, 6, 30)) == []
    items = [i for i in reminders.due_items(D(2025, 7, 1)) if i.kind == "agreement_activity"]
    assert {i.user_id for i in items} == {contributor_b.pk, editor.pk}
    assert all(i.overdue and i.key == f"agreement-activity:{activity.pk}:overdue" for i in items)
    assert reminders_send(D(2025, 7, 1)) == 2
    assert reminders_send(D(2025, 7, 1)) == 0
    services.activity_update(activity, user=editor, version=activity.version, status=ImplementationActivity.Status.DONE)
    assert keys(D(2025, 7, 2)) == []


def test_automatic_renewal_reminds_before_each_term_end(editor, unit_a):
    a = agreement(
        editor,
        owner_unit=unit_a,
        signed_on=D(2025, 1, 1),
        in_force_from=D(2025, 1, 1),
        valid_until=D(2025, 12, 31),
        automatic_renewal=True,
        renewal_period_months=12,
        notice_period_days=30,
    )
    items = [i for i in reminders.due_items(D(2026, 12, 1)) if i.key.startswith(f"agreement:{a.pk}:")]
    assert items and items[0].key.endswith("expires-in-30") and items[0].due_date == D(2026, 12, 31)
    assert "01/12/2026" in items[0].title  # notice deadline


def test_inactive_creator_is_not_reminded(editor, unit_b):
    a = agreement(editor, owner_unit=unit_b, valid_until=D(2026, 12, 31))
    User.objects.filter(pk=editor.pk).update(is_active=False)
    assert not [i for i in reminders.due_items(D(2026, 12, 1)) if i.key.startswith(f"agreement:{a.pk}:")]


def test_remind_with_every_provider_sends_nothing_the_second_time(ending):
    day = D(2026, 12, 1)
    assert reminders_send(day) >= 1
    assert reminders_send(day) == 0
