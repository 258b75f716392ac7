"""Annual percentage rate by the Regulation Z Appendix J actuarial method (12 CFR 1026, Appendix J).

The unit-period rate ``i`` solves ``A = sum_k P_k / ((1 + f*i) * (1 + i)**k)`` for payments ``P_1..P_n``
at the end of whole unit-periods ``1..n`` after an odd first-period fraction ``f``; APR = i * periods a year.

Method and stopping rule: Newton's method in Decimal (28 significant digits), the present value and its
derivative both evaluated by Horner's rule in one pass over the payments. The present value is strictly
decreasing and convex in ``i``, so Newton converges monotonically once an iterate lies below the root; a step
that would take ``i`` to zero or below (the root is positive) halves ``i`` instead. The first guess is the
"average balance" rate, finance charge / (A * payment-weighted mean term); typically 4-6 steps follow.
Iteration stops when a step moves the APR by less than 1e-12 of a percentage point, by when the remaining
error is far smaller still (quadratic convergence), so the APR rounded to two decimals is stable; 100 steps
at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal, localcontext

from ketacost.finance.schedule import Schedule
from ketacost.money import HUNDRED, ZERO, cents

_CONTEXT = Context(prec=28)
_APR_STEP = Decimal("1e-12")
_MAX_STEPS = 100


def _present_value(payments: Sequence[Decimal], i: Decimal, f: Decimal) -> tuple[Decimal, Decimal]:
    """Present value of the payments at unit-period rate ``i`` and its derivative with respect to ``i``."""
    v = 1 / (1 + i)
    q = dq = ZERO  # Q(v) = P_1 + P_2 v + ... + P_n v^(n-1) and Q'(v), by Horner's rule
    for payment in reversed(payments):
        dq = dq * v + q
        q = q * v + payment
    s = v * q  # sum_k P_k v^k
    ds = -(q + v * dq) * v * v  # d/di: dS/dv * dv/di, dv/di = -v^2
    odd = 1 + f * i
    return s / odd, ds / odd - s * f / (odd * odd)


def regz_apr(
    amount_financed: Decimal,
    payments: Sequence[Decimal],
    *,
    first_period_fraction: Decimal = ZERO,
    periods_per_year: int = 12,
) -> Decimal | None:
    """The actuarial APR in percent, rounded half-up to two decimals; None when it is undefined.

    0.00 when the payments add up to the amount financed; None when there are no payments, nothing is
    financed, or the payments fall short of the amount financed (a negative finance charge).
    """
    pays = tuple(payments)
    if not pays or amount_financed <= ZERO:
        return None
    if any(payment < ZERO for payment in pays):
        raise ValueError("payments must not be negative")
    if first_period_fraction < ZERO or periods_per_year < 1:
        raise ValueError("first_period_fraction must be >= 0 and periods_per_year >= 1")
    total = sum(pays, ZERO)
    if total < amount_financed:
        return None
    if total == amount_financed:
        return ZERO
    with localcontext(_CONTEXT):
        weighted_term = sum((k * p for k, p in enumerate(pays, 1)), ZERO) / total
        i = (total - amount_financed) / (amount_financed * weighted_term)
        step_limit = _APR_STEP / (periods_per_year * HUNDRED)
        for _ in range(_MAX_STEPS):
            value, slope = _present_value(pays, i, first_period_fraction)
            step = (value - amount_financed) / slope
            after = i - step
            if after <= 0:  # overshot past zero (the root is positive): fall back towards zero
                after = i / 2
            if abs(after - i) < step_limit:
                i = after
                break
            i = after
        return cents(i * periods_per_year * HUNDRED)


def loan_apr(schedule: Schedule, prepaid_finance_charge: Decimal) -> Decimal | None:
    """APR of a loan whose fee (e.g. origination) is a prepaid finance charge, netted from the amount."""
    return regz_apr(schedule.financed - prepaid_finance_charge, [row.payment for row in schedule.rows])
