"""Issue 12, item 5: a deducted origination fee is exactly round-half-up(fee% x principal), on the smallest principal
whose proceeds pay the clinic in full; never a 0.00 installment; a fee percentage within sensible bounds."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacost.estimator import estimate
from ketacost.finance.fees import deducted_fee
from ketacost.scenario import Scenario
from ketacost.sheet.load import EMBEDDED, parse_sheet

D = Decimal


def _fee_cents(principal_cents: int, pct: Fraction) -> int:
    """round-half-up(pct% x principal), in cents, with exact fractions (an independent oracle)."""
    exact = principal_cents * pct / 100
    return int((exact * 2 + 1) // 2)  # half-up, for a non-negative value


def _smallest_principal(proceeds_cents: int, pct: Fraction) -> int:
    """Oracle: the smallest principal in cents netting at least the proceeds, searched from below the gross-up."""
    start = int(proceeds_cents / (1 - pct / 100)) - 5
    principal = max(start, proceeds_cents)
    while principal - _fee_cents(principal, pct) < proceeds_cents:
        principal += 1
    assert principal - 1 - _fee_cents(principal - 1, pct) < proceeds_cents  # nothing smaller works
    return principal


def _check(proceeds: Decimal, pct: Decimal) -> None:
    principal, fee = deducted_fee(proceeds, pct)
    assert fee == (principal * pct / 100).quantize(D("0.01"), ROUND_HALF_UP)  # exactly round-half-up(fee% x P)
    assert principal - fee >= proceeds  # the clinic is paid in full
    expected = _smallest_principal(int(proceeds * 100), Fraction(pct))
    assert principal == Decimal(expected).scaleb(-2)


def test_the_issues_case_charges_5_percent_of_the_principal_exactly() -> None:
    # Before: 3,789.48 borrowed with a 189.48 fee, a cent more than 5% of 3,789.48 (189.474 -> 189.47).
    assert deducted_fee(D("3600.00"), D("5")) == (D("3789.47"), D("189.47"))


def test_500_random_deducted_fee_loans() -> None:
    rng = random.Random(12)
    for _ in range(500):
        proceeds = Decimal(rng.randint(1, 10_000_000)).scaleb(-2)
        pct = Decimal(rng.randint(0, 3000)).scaleb(-2)  # 0.00-30.00%
        _check(proceeds, pct)


@given(
    proceeds=st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2),
    pct=st.decimals(min_value=0, max_value=30, places=4),
)
def test_any_deducted_fee_loan(proceeds: Decimal, pct: Decimal) -> None:
    _check(proceeds, pct)


def test_a_fee_of_100_percent_or_more_is_refused() -> None:
    with pytest.raises(ValueError, match="below 100"):
        deducted_fee(D("1000"), D("100"))


def test_the_estimate_charges_the_exact_fee() -> None:
    sheet = parse_sheet(EMBEDDED.read_text(encoding="utf-8"), "pricing.toml")
    (loan,) = estimate(sheet, Scenario(options=("medical_loan",)), source="t").options
    typical = loan.typical
    assert typical.schedule is not None
    principal = typical.schedule.financed
    assert (principal, typical.fees, typical.financed) == (D("3789.47"), D("189.47"), D("3600.00"))


def test_a_fee_percentage_near_100_is_refused_by_the_sheet(
    run: Callable[..., Any], write_sheet: Any, sheet_text: str
) -> None:
    path = write_sheet(sheet_text.replace("origination_fee_pct = 5.00", "origination_fee_pct = 99.99"))
    result = run("--pricing", str(path), "estimate")
    assert result.exit_code == 2
    assert "options.medical_loan.origination_fee_pct: input should be less than or equal to 30" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("price", "option", "months", "payment"),
    [
        ("0.01", "medical_loan", 1, "0.01"),  # was 23 payments of 0.00 and one of 0.01
        ("1.00", "clinic_plan", 6, "0.13"),
        ("1.00", "medical_loan", 24, "0.05"),
    ],
)
def test_never_a_zero_installment_and_a_shortened_term_is_said(
    run_json: Callable[..., Any], price: str, option: str, months: int, payment: str
) -> None:
    (plan,) = run_json("estimate", "--price", price, "-n", "1", "-o", option)["options"]
    typical = plan["typical"]
    assert typical["months"] == months and typical["monthly"] == payment
    assert Decimal(typical["final_payment"]) > 0
    term = 24 if option == "medical_loan" else 6
    shortened = [note for note in plan["notes"] if note.startswith("paid off in")]
    assert bool(shortened) == (months < term)


def test_one_dollar_over_60_months_says_it_is_paid_off_sooner(
    run_json: Callable[..., Any], write_sheet: Any, sheet_text: str
) -> None:
    path = write_sheet(sheet_text.replace("min_purchase = 2500.00", "min_purchase = 0.00"))
    (plan,) = run_json("--pricing", str(path), "estimate", "--price", "1", "-n", "1", "-o", "card_60")["options"]
    typical = plan["typical"]
    assert typical["months"] < 60 and D(typical["monthly"]) > 0
    assert f"paid off in {typical['months']} months, not 60" in " ".join(plan["notes"])
