"""Derived state at the date boundaries, with a fixed `today`."""

import datetime

import pytest

from hoptac.agreements.models import Agreement, State, add_months

D = datetime.date


def make(**values) -> Agreement:
    data = {
        "kind": Agreement.Kind.MOU,
        "title_vi": "x",
        "status": Agreement.Status.IN_FORCE,
        "signed_on": D(2025, 1, 1),
        "in_force_from": D(2025, 1, 1),
        "valid_until": D(2026, 12, 31),
    }
    data.update(values)
    return Agreement(**data)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2024, 12, 31), State.NOT_IN_FORCE),  # the day before entry into force
        (D(2025, 1, 1), State.IN_FORCE),  # first day
        (D(2026, 10, 1), State.IN_FORCE),  # 91 days left
        (D(2026, 10, 2), State.EXPIRING),  # 90 days left
        (D(2026, 12, 31), State.EXPIRING),  # last day: still in force
        (D(2027, 1, 1), State.EXPIRED),  # the day after the end
    ],
)
def test_state_at_boundaries(today, state):
    agreement = make()
    assert agreement.state_on(today) == state
    assert agreement.is_in_force(today) == (state in (State.IN_FORCE, State.EXPIRING))
    assert agreement.is_expired(today) == (state == State.EXPIRED)


def test_expiring_window_is_a_parameter():
    agreement = make()
    today = D(2026, 12, 1)  # 30 days left
    assert agreement.is_expiring_within(30, today)
    assert not agreement.is_expiring_within(29, today)
    assert agreement.days_left(today) == 30


def test_open_ended_is_never_expiring():
    agreement = make(valid_until=None)
    assert agreement.state_on(D(2090, 1, 1)) == State.IN_FORCE
    assert agreement.term_end(D(2090, 1, 1)) is None


def test_status_overrides_dates():
    assert make(status=Agreement.Status.TERMINATED).state_on(D(2025, 6, 1)) == State.ENDED
    assert make(status=Agreement.Status.SUPERSEDED).state_on(D(2025, 6, 1)) == State.ENDED
    assert make(status=Agreement.Status.SUSPENDED).state_on(D(2025, 6, 1)) == State.SUSPENDED
    assert make(status=Agreement.Status.NEGOTIATING).state_on(D(2025, 6, 1)) == State.NOT_IN_FORCE
    # Recorded as expired: expired whatever the dates say.
    assert make(status=Agreement.Status.EXPIRED).state_on(D(2025, 6, 1)) == State.EXPIRED
    # Signed but with no entry-into-force date yet.
    assert make(status=Agreement.Status.SIGNED, in_force_from=None).state_on(D(2025, 6, 1)) == State.NOT_IN_FORCE


def test_automatic_renewal_rolls_the_term_over():
    # Two-year first term; renewed by periods as long as the first term when none is given.
    agreement = make(automatic_renewal=True, notice_period_days=60)
    assert agreement.renewal_months() == 24
    assert agreement.term_end(D(2026, 12, 31)) == D(2026, 12, 31)
    assert agreement.term_end(D(2027, 1, 1)) == D(2028, 12, 31)
    assert agreement.state_on(D(2027, 1, 1)) == State.IN_FORCE
    assert agreement.state_on(D(2028, 10, 2)) == State.EXPIRING
    assert agreement.notice_deadline(D(2027, 1, 1)) == D(2028, 11, 1)
    yearly = make(automatic_renewal=True, renewal_period_months=12)
    assert yearly.term_end(D(2029, 3, 1)) == D(2029, 12, 31)


def test_add_months_keeps_the_end_of_month():
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 12, 31), 14) == D(2026, 2, 28)


def test_end_before_start_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        make(in_force_from=D(2025, 1, 1), valid_until=D(2024, 12, 31)).clean()
    assert "valid_until" in exc.value.message_dict
