"""Money text: fmt's short cut (str() of a two-decimal amount) against the plain rounding and formatting."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ketacost.money import cents, fmt

D = Decimal


def _plain(amount: Decimal) -> str:
    return f"{cents(amount):.2f}"


def test_fmt_is_the_plain_two_decimal_text_for_every_exponent_and_sign() -> None:
    rng = random.Random(55)
    cases = [D("0"), D("-0"), D("0.00"), D("-0.00"), D("0E-9"), D("0E+3"), D("1E+3"), D("1.5E+10"), D("1.0E+1")]
    cases += [D("2.5E-7"), D("123.45"), D("-123.45"), D("0.005"), D("-0.005"), D("0.015"), D("999999999.995")]
    for _ in range(20_000):
        digits = rng.randint(0, 10 ** rng.randint(0, 14))
        cases.append(D((rng.randint(0, 1), tuple(int(d) for d in str(digits)), rng.randint(-8, 6))))
    for amount in cases:
        assert fmt(amount) == _plain(amount), repr(amount)


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12))
def test_fmt_matches_the_plain_text_on_generated_amounts(amount: Decimal) -> None:
    assert fmt(amount) == _plain(amount)
