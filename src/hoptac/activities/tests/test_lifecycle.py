import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hoptac.activities import services
from hoptac.activities.models import Delegation, Event
from hoptac.audit.services import ConflictError

pytestmark = pytest.mark.django_db
D = datetime.date
ES, DS = Event.Status, Delegation.Status


def step(event, user, status, **kw):
    kw.setdefault("today", D(2025, 12, 1))
    return services.event_transition(event, user=user, version=event.version, status=status, **kw)


def test_event_goes_through_its_lifecycle(make_event, approver, editor):
    event = make_event()
    assert event.status == ES.PLANNED and event.version == 1
    event = step(event, approver, ES.APPROVED, on=D(2025, 11, 1), decision="123/QĐ-BNV", approver="Bộ trưởng")
    assert (event.status, event.approval_decision, event.approval_date) == (ES.APPROVED, "123/QĐ-BNV", D(2025, 11, 1))
    event = step(event, editor, ES.HELD)
    event = step(event, editor, ES.REPORTED, on=D(2025, 12, 1))
    assert event.status == ES.REPORTED and event.report_filed_on == D(2025, 12, 1)
    assert event.version == 4
    assert event.history.filter(status=ES.HELD, history_user=editor).exists()


@pytest.mark.usefixtures("english_messages")
@pytest.mark.parametrize(
    "path, refused",
    [
        ([], ES.HELD),  # planned → held skips approval
        ([], ES.REPORTED),
        ([ES.APPROVED, ES.HELD, ES.REPORTED], ES.PLANNED),  # reported is final
        ([ES.CANCELLED], ES.HELD),
    ],
)
def test_event_refuses_a_step_off_the_lifecycle(make_event, approver, path, refused):
    event = make_event()
    for status in path:
        event = step(event, approver, status, on=D(2025, 11, 28))
    with pytest.raises(ValidationError) as exc:
        step(event, approver, refused, on=D(2025, 11, 28))
    assert "status" in exc.value.message_dict
    assert "Allowed next" in exc.value.message_dict["status"][0]
    # a person reads the status's name, a script its code
    assert f"{dict(Event.Status.choices)[refused]} ({refused})" in exc.value.message_dict["status"][0]
    assert Event.objects.get(pk=event.pk).status == event.status


def test_only_an_approver_approves(make_event, editor, approver):
    event = make_event()
    with pytest.raises(PermissionDenied):
        step(event, editor, ES.APPROVED, on=D(2025, 11, 1))
    step(event, approver, ES.APPROVED, on=D(2025, 11, 1))


def test_approval_needs_a_date_and_holding_needs_the_start(make_event, approver):
    event = make_event(start_date=D(2025, 12, 10), end_date=D(2025, 12, 11))
    with pytest.raises(ValidationError) as exc:
        step(event, approver, ES.APPROVED)
    assert "approval_date" in exc.value.message_dict
    event = step(event, approver, ES.APPROVED, on=D(2025, 11, 1))
    with pytest.raises(ValidationError):
        step(event, approver, ES.HELD, today=D(2025, 12, 9))
    assert step(event, approver, ES.HELD, today=D(2025, 12, 10)).status == ES.HELD


def test_a_report_is_not_filed_in_the_future_nor_before_the_end(make_event, approver):
    event = make_event(status=ES.HELD, approval_date=D(2025, 11, 1), user=approver)
    with pytest.raises(ValidationError):
        step(event, approver, ES.REPORTED, on=D(2025, 12, 2), today=D(2025, 12, 1))
    with pytest.raises(ValidationError):
        step(event, approver, ES.REPORTED, on=D(2025, 11, 26))


def test_stale_version_is_a_conflict(make_event, editor):
    event = make_event()
    services.event_update(event, user=editor, version=1, title_vi="Đổi tên")
    with pytest.raises(ConflictError) as exc:
        services.event_update(event, user=editor, version=1, title_vi="Đổi lần nữa")
    assert exc.value.current.version == 2
    assert [c.field for c in exc.value.changes] == ["title_vi"]


def test_end_before_start_is_refused(make_event):
    with pytest.raises(ValidationError) as exc:
        make_event(start_date=D(2025, 11, 27), end_date=D(2025, 11, 26))
    assert "end_date" in exc.value.message_dict


def test_delegation_lifecycle_and_refusals(make_delegation, approver, editor):
    d = make_delegation()

    def go(status, user=approver, **kw):
        nonlocal d
        kw.setdefault("today", D(2024, 11, 1))
        d = services.delegation_transition(d, user=user, version=d.version, status=status, **kw)
        return d

    with pytest.raises(ValidationError):
        go(DS.UNDER_WAY)
    with pytest.raises(PermissionDenied):
        go(DS.APPROVED, user=editor, on=D(2024, 9, 20))
    go(DS.APPROVED, on=D(2024, 9, 20), decision="45/QĐ-BNV")
    with pytest.raises(ValidationError):
        go(DS.UNDER_WAY, today=D(2024, 10, 2))
    go(DS.UNDER_WAY, user=editor, today=D(2024, 10, 3))
    with pytest.raises(ValidationError):
        go(DS.REPORTED, on=D(2024, 10, 20))
    go(DS.RETURNED, user=editor)
    go(DS.REPORTED, user=editor, on=D(2024, 10, 20))
    assert d.status == DS.REPORTED and not d.report_filed_late()
    with pytest.raises(ValidationError):
        go(DS.CANCELLED)


def test_delegation_legs_must_lie_within_its_dates(make_delegation):
    from hoptac.activities.services import Leg
    from hoptac.reference.models import Country

    with pytest.raises(ValidationError) as exc:
        make_delegation(legs=[Leg(Country.objects.get(iso2="JP"), D(2024, 10, 1), D(2024, 10, 4), "Tokyo")])
    assert "legs" in exc.value.message_dict


def test_cost_needs_a_currency_and_project_only_when_project_funded(make_delegation):
    from decimal import Decimal

    with pytest.raises(ValidationError) as exc:
        make_delegation(cost=Decimal("1000.50"))
    assert "cost_currency" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_delegation(project_ref="P-1")
    assert "project_ref" in exc.value.message_dict
    from hoptac.reference.models import Currency

    d = make_delegation(
        cost=Decimal("1000.50"),
        cost_currency=Currency.objects.get(code="EUR"),
        funding_source="project_funded",
        project_ref="P-1",
    )
    assert d.cost == Decimal("1000.50")
