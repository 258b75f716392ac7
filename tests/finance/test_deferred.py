"""Deferred-interest promotions: DOMAIN.md's example, the minimum payment, and both repayment schedules."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacost.finance.deferred import (
    PromoTerms,
    deferred_interest,
    minimum_only_interest,
    minimum_only_schedule,
    minimum_payment,
    paid_in_full_schedule,
    paid_in_full_totals,
    promo_payoff_payment,
)
from ketacost.finance.schedule import Schedule, totals_of
from ketacost.money import ZERO, cents

D = Decimal
CARE = PromoTerms(
    promo_months=12,
    standard_apr=D("32.99"),
    min_payment_pct=D("3.00"),
    min_payment_floor=D("30.00"),
    repay_months=36,
)


def money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Whole-cent amounts from ``low`` to ``high`` cents."""
    return st.integers(low, high).map(lambda c: D(c).scaleb(-2))


terms = st.builds(
    PromoTerms,
    promo_months=st.sampled_from([6, 12, 18, 24]),
    standard_apr=st.integers(0, 4_000).map(lambda c: D(c).scaleb(-2)),
    min_payment_pct=st.integers(0, 1_000).map(lambda c: D(c).scaleb(-2)),
    min_payment_floor=money(0, 5_000),
    repay_months=st.integers(1, 60),
)


def assert_repays_exactly(schedule: Schedule) -> None:
    """Every schedule repays the purchase exactly and ends at 0.00."""
    assert schedule.total_principal == schedule.financed
    balance = schedule.financed
    for month, row in enumerate(schedule.rows, 1):
        assert row.month == month
        assert row.payment == row.principal + row.interest + row.fees
        assert balance - row.principal == row.balance
        assert row.payment >= ZERO and row.interest >= ZERO and row.balance >= ZERO
        balance = row.balance
    if schedule.rows:
        assert schedule.rows[-1].balance == D("0.00")


def test_paying_380_a_month_leaves_240_and_triggers_about_894_of_deferred_interest() -> None:
    left, charged = deferred_interest(D("4800.00"), CARE, D("380.00"))
    assert left == D("240.00")
    assert abs(charged - D("894")) <= 1
    assert charged == D("894.03")  # the start-of-month method documented in the module


def test_paying_400_a_month_clears_the_promotion_with_no_interest() -> None:
    assert deferred_interest(D("4800.00"), CARE, D("400.00")) == (ZERO, ZERO)
    assert deferred_interest(D("4800.00"), CARE, D("500.00")) == (
        ZERO,
        ZERO,
    )  # last payment only what is owed


def test_paying_nothing_accrues_interest_on_the_whole_purchase_every_month() -> None:
    left, charged = deferred_interest(D("4800.00"), CARE, ZERO)
    assert left == D("4800.00")
    assert charged == 12 * cents(D("4800") * D("32.99") / 1200)


def test_promo_payoff_payment_rounds_up_so_the_promotion_is_cleared() -> None:
    assert promo_payoff_payment(D("4800.00"), 12) == D("400.00")
    assert promo_payoff_payment(D("1000.00"), 12) == D("83.34")  # 83.333... rounded up, not to 83.33
    assert deferred_interest(D("1000.00"), CARE, D("83.34")) == (ZERO, ZERO)
    assert deferred_interest(D("1000.00"), CARE, D("83.33"))[0] == D("0.04")


@pytest.mark.parametrize(
    ("purchase", "pct", "floor", "expected"),
    [
        (D("4800.00"), D("3.00"), D("30.00"), D("144.00")),  # 3% of the purchase
        (D("500.00"), D("3.00"), D("30.00"), D("30.00")),  # the floor
        (D("20.00"), D("3.00"), D("30.00"), D("20.00")),  # never more than the purchase
        (D("2000.00"), D("2.75"), D("29.00"), D("55.00")),  # PatientFi-style
        (D("1000.00"), D("0"), D("30.00"), D("30.00")),  # no percentage: the floor alone
        (D("1234.50"), D("2.75"), D("0"), D("33.95")),  # 33.94875 rounded half-up
    ],
)
def test_minimum_payment_is_the_greater_of_percentage_and_floor(
    purchase: Decimal, pct: Decimal, floor: Decimal, expected: Decimal
) -> None:
    terms = PromoTerms(12, D("32.99"), pct, floor, 36)
    assert minimum_payment(purchase, terms) == expected


def test_paid_in_full_schedule_has_no_interest_and_the_last_row_absorbs_the_rounding() -> None:
    schedule = paid_in_full_schedule(D("1000.00"), CARE)
    assert schedule.months == 12
    assert [row.payment for row in schedule.rows] == [D("83.34")] * 11 + [D("83.26")]
    assert schedule.total_interest == ZERO
    assert schedule.total_payment == D("1000.00")
    assert_repays_exactly(schedule)


def test_minimum_only_schedule_shows_the_deferred_interest_trap() -> None:
    schedule = minimum_only_schedule(D("4800.00"), CARE)
    left, charged = deferred_interest(D("4800.00"), CARE, D("144.00"))
    assert (left, charged) == (D("3072.00"), D("1322.23"))
    assert schedule.months == 12 + 36
    assert schedule.note_rate == D("32.99")
    assert [row.payment for row in schedule.rows[:12]] == [D("144.00")] * 12
    assert [row.interest for row in schedule.rows[:11]] == [ZERO] * 11
    posted = schedule.rows[11]
    assert posted.interest == charged
    assert posted.balance == left + charged  # the balance grows when the deferred interest lands
    repayment_interest = sum((row.interest for row in schedule.rows[12:]), ZERO)
    assert schedule.total_interest == charged + repayment_interest
    assert schedule.total_principal == D("4800.00")
    assert schedule.total_payment == D("4800.00") + schedule.total_interest
    assert schedule.rows[-1].balance == D("0.00")


def test_a_minimum_that_clears_the_purchase_in_time_ends_the_schedule_without_interest() -> None:
    terms = PromoTerms(12, D("26.99"), D("0"), D("30.00"), 24)
    schedule = minimum_only_schedule(D("300.00"), terms)
    assert schedule.months == 10
    assert schedule.total_interest == ZERO
    assert_repays_exactly(schedule)


@given(purchase=money(20_000, 2_500_000), promo=terms, payment=money(0, 500_000))
def test_deferred_interest_is_all_or_nothing(purchase: Decimal, promo: PromoTerms, payment: Decimal) -> None:
    left, charged = deferred_interest(purchase, promo, payment)
    assert ZERO <= left <= purchase
    if payment >= promo_payoff_payment(purchase, promo.promo_months):
        assert (left, charged) == (ZERO, ZERO)
    if left == ZERO:
        assert charged == ZERO
    else:
        # at least the first month's interest on the whole purchase, at most every month's on it
        assert cents(purchase * promo.standard_apr / 1200) <= charged
        assert charged <= promo.promo_months * cents(purchase * promo.standard_apr / 1200)


@given(purchase=money(20_000, 2_500_000), promo=terms, low=money(0, 300_000), extra=money(1, 100_000))
def test_paying_more_never_costs_more_deferred_interest(
    purchase: Decimal, promo: PromoTerms, low: Decimal, extra: Decimal
) -> None:
    _, charged_low = deferred_interest(purchase, promo, low)
    _, charged_high = deferred_interest(purchase, promo, low + extra)
    assert charged_high <= charged_low


@given(purchase=money(20_000, 2_500_000), promo=terms)
def test_both_schedules_repay_the_purchase_exactly(purchase: Decimal, promo: PromoTerms) -> None:
    paid = paid_in_full_schedule(purchase, promo)
    assert paid.total_interest == ZERO
    assert paid.months <= promo.promo_months
    assert_repays_exactly(paid)

    trap = minimum_only_schedule(purchase, promo)
    left, charged = deferred_interest(purchase, promo, minimum_payment(purchase, promo))
    assert trap.total_principal == purchase
    assert trap.rows[-1].balance == D("0.00")
    for row in trap.rows:
        assert row.payment == row.principal + row.interest + row.fees
    if left:
        # A tiny balance left at 0% can be paid off early by the rounded-up level payment: at most repay_months.
        assert promo.promo_months < trap.months <= promo.promo_months + promo.repay_months
        assert trap.rows[promo.promo_months - 1].interest == charged
        assert trap.total_interest >= charged
    else:
        assert trap.total_interest == ZERO
        assert_repays_exactly(trap)


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError):
        deferred_interest(D("100.001"), CARE, D("10"))
    with pytest.raises(ValueError):
        deferred_interest(D("100.00"), CARE, D("-1"))
    with pytest.raises(ValueError):
        minimum_only_schedule(D("100.00"), PromoTerms(12, D("26.99"), D("3"), D("30"), 0))


def test_a_small_balance_at_zero_percent_is_repaid_early_not_with_zero_payments() -> None:
    # Found by hypothesis: 0.20 left after a 24-month promotion at 0% is repaid at 0.02 a month in 10 months.
    promo = PromoTerms(24, D("0.00"), D("2"), D("30.30"), 13)
    trap = minimum_only_schedule(D("727.40"), promo)
    assert trap.rows[-1].balance == D("0.00")
    assert trap.total_principal == D("727.40")
    assert all(row.payment > 0 for row in trap.rows)


def test_totals_without_rows_are_the_schedules_own_on_many_random_promotions() -> None:
    """paid_in_full_totals and minimum_only_interest skip the rows; the schedules are the oracle, to the exponent."""
    rng = random.Random(1127)
    for _ in range(3_000):
        purchase = D(rng.choice((rng.randint(0, 20_000), rng.randint(0, 5_000_000)))).scaleb(-2)
        promo = PromoTerms(
            promo_months=rng.choice((1, 6, 12, 18, 24)),
            standard_apr=D(rng.randint(0, 4_000)).scaleb(-2),
            min_payment_pct=D(rng.randint(0, 1_000)).scaleb(-2),
            min_payment_floor=D(rng.randint(0, 5_000)).scaleb(-2),
            repay_months=rng.randint(1, 60),
        )
        assert str(minimum_only_interest(purchase, promo)) == str(minimum_only_schedule(purchase, promo).total_interest)
        assert repr(paid_in_full_totals(purchase, promo)) == repr(totals_of(paid_in_full_schedule(purchase, promo)))
