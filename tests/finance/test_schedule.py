"""Amortization schedules: the worked example, edge cases, invariants, and numpy-financial as an oracle."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

import numpy_financial as npf  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacost.finance.schedule import (
    Installment,
    Schedule,
    Totals,
    amortize,
    amortize_totals,
    equal_installments,
    equal_installments_totals,
    fixed_payments,
    fixed_payments_totals,
    level_payment,
    totals_of,
)
from ketacost.money import ZERO, cents

D = Decimal


def money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Whole-cent amounts from ``low`` to ``high`` cents."""
    return st.integers(low, high).map(lambda c: D(c).scaleb(-2))


def rates(high_pct: int) -> st.SearchStrategy[Decimal]:
    """Annual percentages with two decimals, 0.00 to ``high_pct``."""
    return st.integers(0, high_pct * 100).map(lambda c: D(c).scaleb(-2))


def assert_consistent(schedule: Schedule) -> None:
    """The invariants every schedule keeps, whatever the inputs."""
    rows = schedule.rows
    assert schedule.total_principal == schedule.financed
    assert [row.month for row in rows] == list(range(1, len(rows) + 1))
    balance = schedule.financed
    for row in rows:
        assert row.payment == row.interest + row.principal + row.fees
        assert balance - row.principal == row.balance
        assert min(row.payment, row.interest, row.principal, row.fees, row.balance) >= ZERO
        for amount in (row.payment, row.interest, row.principal, row.fees, row.balance):
            assert cents(amount) == amount and amount.as_tuple().exponent == -2
        balance = row.balance
    if rows:
        assert rows[-1].balance == D("0.00")
    assert schedule.total_payment == schedule.financed + schedule.total_interest + schedule.total_fees


def test_worked_example_2500_at_8_24_for_12_months() -> None:
    schedule = amortize(D("2500"), D("8.24"), 12)
    assert schedule.monthly == D("217.75")
    assert schedule.rows[0].interest == D("17.17")
    assert schedule.rows[-1].payment == D("217.72")
    assert schedule.total_payment == D("2612.97")
    assert schedule.months == 12
    assert_consistent(schedule)


def test_reduced_apr_plan_example_3000_over_24_months_at_14_90() -> None:
    assert level_payment(D("3000"), D("14.90"), 24) == D("145.32")


def test_numpy_financial_docs_example_rounds_half_up() -> None:
    # npf docs: pmt(0.075/12, 180, 200000) = -1854.0247
    assert level_payment(D("200000"), D("7.5"), 180) == D("1854.02")


def test_zero_rate_is_an_even_split_without_interest() -> None:
    schedule = amortize(D("1000.00"), D("0"), 12)
    assert [row.payment for row in schedule.rows] == [D("83.33")] * 11 + [D("83.37")]
    assert schedule.total_interest == ZERO
    assert schedule == equal_installments(D("1000.00"), 12)
    assert_consistent(schedule)


def test_one_month_loan_repays_principal_plus_one_month_of_interest() -> None:
    schedule = amortize(D("1200.00"), D("12.00"), 1)
    assert schedule.rows == (Installment(1, D("1212.00"), D("12.00"), D("1200.00"), ZERO, ZERO),)


def test_half_cent_of_interest_rounds_up_not_to_even() -> None:
    # 600.00 at 0.01% a year: 0.005 of interest in month 1; half-to-even would give 0.00.
    schedule = amortize(D("600.00"), D("0.01"), 2)
    assert schedule.rows[0].interest == D("0.01")


def test_monthly_fee_is_added_to_every_payment_and_counted_as_fees() -> None:
    plain = amortize(D("2500"), D("8.24"), 12)
    with_fee = amortize(D("2500"), D("8.24"), 12, monthly_fee=D("5.00"))
    assert [row.payment - row.fees for row in with_fee.rows] == [row.payment for row in plain.rows]
    assert with_fee.monthly == D("222.75")
    assert with_fee.total_fees == D("60.00")
    assert with_fee.total_payment == D("2672.97")
    assert_consistent(with_fee)


def test_nothing_financed_means_no_payments() -> None:
    schedule = amortize(D("0"), D("9.99"), 24)
    assert schedule.rows == ()
    assert schedule.monthly == ZERO and schedule.total_payment == ZERO and schedule.months == 0


@pytest.mark.parametrize(
    ("principal", "rate", "months"),
    [(D("100.001"), D("5"), 12), (D("-1"), D("5"), 12), (D("100"), D("-1"), 12), (D("100"), D("5"), 0)],
)
def test_invalid_loans_are_rejected(principal: Decimal, rate: Decimal, months: int) -> None:
    with pytest.raises(ValueError):
        amortize(principal, rate, months)


def test_rows_are_the_same_as_constructor_built_installments() -> None:
    # amortize builds rows with tuple.__new__: every field must be set, as the constructor would.
    for row in amortize(D("4321.09"), D("17.5"), 36, monthly_fee=D("2.50")).rows:
        assert type(row) is Installment
        rebuilt = Installment(**{name: getattr(row, name) for name in Installment._fields})
        assert rebuilt == row


def test_equal_installments_last_month_absorbs_the_residue_up_or_down() -> None:
    up = equal_installments(D("100.00"), 3)
    assert [row.payment for row in up.rows] == [D("33.33"), D("33.33"), D("33.34")]
    down = equal_installments(D("200.00"), 3)
    assert [row.payment for row in down.rows] == [D("66.67"), D("66.67"), D("66.66")]
    with_fee = equal_installments(D("200.00"), 3, monthly_fee=D("1.50"))
    assert [row.payment for row in with_fee.rows] == [D("68.17"), D("68.17"), D("68.16")]
    for schedule in (up, down, with_fee):
        assert_consistent(schedule)


def test_a_tiny_balance_is_paid_off_early_rather_than_going_negative() -> None:
    # 0.70 over 120 months rounds to 0.01 a month: the balance is gone after 70 months.
    schedule = equal_installments(D("0.70"), 120)
    assert schedule.months == 70
    assert_consistent(schedule)


def test_fixed_payments_runs_down_at_the_given_payment() -> None:
    schedule = fixed_payments(D("1000.00"), D("0"), 12, D("83.34"))
    assert [row.payment for row in schedule.rows] == [D("83.34")] * 11 + [D("83.26")]
    assert_consistent(schedule)


@given(principal=money(0, 5_000_000), rate=rates(100), months=st.integers(1, 120), fee=money(0, 5_000))
def test_any_loan_repays_exactly_what_was_financed(
    principal: Decimal, rate: Decimal, months: int, fee: Decimal
) -> None:
    schedule = amortize(principal, rate, months, monthly_fee=fee)
    assert_consistent(schedule)
    assert len(schedule.rows) <= months
    assert schedule.note_rate == rate


@given(principal=money(0, 5_000_000), rate=rates(100), months=st.integers(1, 120))
def test_every_month_but_the_last_pays_the_level_payment(principal: Decimal, rate: Decimal, months: int) -> None:
    schedule = amortize(principal, rate, months)
    payment = level_payment(principal, rate, months)
    if principal and payment < D("0.01"):  # never a 0.00 installment: a cent, and the loan ends early (issue 12)
        payment = D("0.01")
    assert all(row.payment == payment for row in schedule.rows[:-1])
    assert all(row.payment > 0 for row in schedule.rows)
    if 0 < schedule.months < months:  # rounding the payment up overpaid so much that the loan ends early
        assert schedule.rows[-1].payment <= payment


@given(principal=money(100_000, 5_000_000), rate=rates(36), months=st.integers(1, 120))
def test_loans_of_1000_or_more_at_up_to_36_percent_run_their_full_term(
    principal: Decimal, rate: Decimal, months: int
) -> None:
    # The cents rounded onto the payment compound to at most 0.005 * ((1.03^120 - 1) / 0.03) = 5.62 by the
    # end, less than the smallest such payment (1000 / 120 = 8.33): the last month still has a balance to pay.
    assert amortize(principal, rate, months).months == months


@given(principal=money(0, 5_000_000), months=st.integers(1, 120))
def test_equal_installments_differ_from_the_even_split_only_in_the_last_month(principal: Decimal, months: int) -> None:
    schedule = equal_installments(principal, months)
    assert_consistent(schedule)
    even = max(cents(principal / months), D("0.01"))  # never a 0.00 installment (issue 12, item 5)
    assert all(row.payment == even for row in schedule.rows[:-1])
    assert all(row.payment > 0 for row in schedule.rows)


@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")  # npf at rate 0
def test_numpy_financial_agrees_on_1000_random_loans() -> None:
    """Oracle: numpy-financial's float pmt/ipmt against our Decimal schedules.

    The level payment must be -npf.pmt rounded half-up (within 0.01, allowing for float error at a half
    cent). Interest is compared honestly: npf.ipmt is unrounded and runs on npf's own unrounded balances,
    which drift from ours by the cents rounded away each month, so only the first month (same balance) is
    compared with npf.ipmt (within half a cent); every later month is checked against cents(balance * r)
    recomputed from our own previous balance.
    """
    rng = random.Random(8_24)
    for _ in range(1_000):
        principal = D(rng.randint(10_000, 5_000_000)).scaleb(-2)
        rate = D(rng.randint(0, 3_600)).scaleb(-2)
        months = rng.randint(1, 120)
        schedule = amortize(principal, rate, months)
        r = float(rate) / 1200
        oracle_payment = cents(D(repr(-float(npf.pmt(r, months, float(principal))))))
        assert abs(schedule.monthly - oracle_payment) <= D("0.01")
        first_interest = -float(npf.ipmt(r, 1, months, float(principal)))
        assert abs(float(schedule.rows[0].interest) - first_interest) <= 0.005 + 1e-9
        balance = principal
        for row in schedule.rows:
            assert row.interest == cents(balance * rate / 1200)
            balance = row.balance


@settings(max_examples=2_000)
@given(
    st.decimals(min_value=0, max_value=1_000_000, places=2),
    st.decimals(min_value=0, max_value=100, places=4),
)
def test_monthly_interest_is_the_exact_half_up_rounding(balance: Decimal, apr: Decimal) -> None:
    # The schedule multiplies by a rate rounded up to 19 digits; it must agree with exact arithmetic.
    from decimal import localcontext

    from ketacost.finance.schedule import _monthly_rate

    with localcontext() as exact:
        exact.prec = 60
        expected = cents(balance * apr / 1200)
    assert cents(balance * _monthly_rate(apr)) == expected


def test_half_cent_ties_round_up() -> None:
    from ketacost.finance.schedule import _monthly_rate

    # 0.50 at 12% a year is exactly half a cent a month, 100.50 at 12% exactly 1.005, 2,010.00 at 0.3% 0.5025.
    assert cents(D("0.50") * _monthly_rate(D("12"))) == D("0.01")
    assert cents(D("100.50") * _monthly_rate(D("12"))) == D("1.01")
    assert cents(D("2010.00") * _monthly_rate(D("0.3"))) == D("0.50")
    assert cents(D("2010.00") * _monthly_rate(D("17.9104"))) == cents(D("2010.00") * D("17.9104") / 1200)


def _exactly(totals: Totals) -> tuple[str, ...]:
    """Totals as text: equal Decimals with different exponents (2.5 and 2.50) would print differently."""
    return (
        *(str(payment) for payment in totals.payments),
        f"interest {totals.interest}",
        f"fees {totals.fees}",
        f"paid {totals.paid}",
    )


def _outcome(make: Callable[..., Schedule | Totals], *args: object, **kwargs: object) -> object:
    """Totals as text, or the kind of error raised."""
    try:
        made = make(*args, **kwargs)
    except (ValueError, ArithmeticError) as error:
        return type(error)
    return _exactly(made if isinstance(made, Totals) else totals_of(made))


def test_totals_without_rows_are_exactly_the_rows_added_up_on_many_random_schedules() -> None:
    """The *_totals twins run the balance down in integer cents; the schedules' own rows are the oracle.

    Cases span whole schedules, payoffs before the term (tiny amounts, large payments), balances that would
    grow (a fixed payment below the interest), rates with up to six decimals (beyond four the rows are used),
    zero rates and monthly fees.
    """
    rng = random.Random(20261127)
    for _ in range(6_000):
        principal = D(rng.choice((rng.randint(0, 300), rng.randint(0, 5_000_000)))).scaleb(-2)
        rate = D(rng.randint(0, 10_000)).scaleb(-2)
        rate = rng.choice(
            (rate, rate, ZERO, D(rng.randint(0, 400_000)).scaleb(-4), D(rng.randint(0, 10**6)).scaleb(-6))
        )
        months = rng.choice((1, 2, 6, 12, 24, 36, 60, rng.randint(1, 120)))
        fee = rng.choice((ZERO, ZERO, D(0), D(rng.randint(0, 2_500)).scaleb(-2)))
        payment = D(rng.randint(0, rng.choice((100, 100_000, 1_000_000)))).scaleb(-2)
        case = (principal, rate, months, fee, payment)
        expected = _outcome(amortize, principal, rate, months, monthly_fee=fee)
        assert _outcome(amortize_totals, principal, rate, months, monthly_fee=fee) == expected, case
        expected = _outcome(equal_installments, principal, months, monthly_fee=fee)
        assert _outcome(equal_installments_totals, principal, months, monthly_fee=fee) == expected, case
        expected = _outcome(fixed_payments, principal, rate, months, payment, monthly_fee=fee)
        assert _outcome(fixed_payments_totals, principal, rate, months, payment, monthly_fee=fee) == expected, case


@given(principal=money(0, 5_000_000), rate=rates(100), months=st.integers(1, 120), fee=money(0, 5_000))
def test_amortize_totals_are_the_schedules_totals(principal: Decimal, rate: Decimal, months: int, fee: Decimal) -> None:
    expected = _exactly(totals_of(amortize(principal, rate, months, monthly_fee=fee)))
    assert _exactly(amortize_totals(principal, rate, months, monthly_fee=fee)) == expected
