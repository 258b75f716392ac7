"""Annual percentage rate by the Regulation Z Appendix J actuarial method (12 CFR 1026, Appendix J).

The unit-period rate ``i`` solves ``A = sum_k P_k / ((1 + f*i) * (1 + i)**k)`` for payments ``P_1..P_n``
at the end of whole unit-periods ``1..n`` after an odd first-period fraction ``f``; APR = i * periods a year.

Method and stopping rule: Newton's method in Decimal (28 significant digits), the present value and its
derivative both evaluated by Horner's rule in one pass over the runs of equal payments (closed-form geometric sums
within a run, so a level schedule costs the same whatever its length). The present value is strictly
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


Runs = tuple[tuple[Decimal, int], ...]


def _runs(payments: Sequence[Decimal]) -> Runs:
    """Consecutive equal payments as (payment, count), last run first: a level schedule is one or two runs."""
    runs: list[tuple[Decimal, int]] = []
    for payment in reversed(payments):
        if runs and runs[-1][0] == payment:
            runs[-1] = (payment, runs[-1][1] + 1)
        else:
            runs.append((payment, 1))
    return tuple(runs)


def _present_value(runs: Runs, i: Decimal, f: Decimal) -> tuple[Decimal, Decimal]:
    """Present value of the payments at unit-period rate ``i`` and its derivative with respect to ``i``.

    Horner's rule over runs of equal payments: m steps of ``q = q*v + P`` give ``q*v^m + P*g`` with the
    geometric sum ``g = 1 + v + ... + v^(m-1)``, so a level schedule costs two steps however long it is.
    """
    v = 1 / (1 + i)
    q = dq = ZERO  # Q(v) = P_1 + P_2 v + ... + P_n v^(n-1) and Q'(v)
    for payment, m in runs:
        vm = v**m
        if v == 1:  # i so small that v rounds to 1: the limits of g and g'
            g, dg = Decimal(m), Decimal(m * (m - 1) // 2)
        else:
            w = 1 - v
            g = (1 - vm) / w
            dg = (1 - m * vm / v + (m - 1) * vm) / (w * w)
        dq = dq * vm + q * m * vm / v + payment * dg
        q = q * vm + payment * g
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
    runs = _runs(payments)
    if not runs or amount_financed <= ZERO:
        return None
    if any(payment < ZERO for payment, _ in runs):
        raise ValueError("payments must not be negative")
    if first_period_fraction < ZERO or periods_per_year < 1:
        raise ValueError("first_period_fraction must be >= 0 and periods_per_year >= 1")
    total = sum((payment * m for payment, m in runs), ZERO)
    if total < amount_financed:
        return None
    if total == amount_financed:
        return ZERO
    with localcontext(_CONTEXT):
        weighted = ZERO  # sum of k * P_k: a run over periods a..b adds P * (a + b) * m / 2
        last = sum(m for _, m in runs)
        for payment, m in runs:
            weighted += payment * ((2 * last - m + 1) * m // 2)
            last -= m
        weighted_term = weighted / total
        i = (total - amount_financed) / (amount_financed * weighted_term)
        step_limit = _APR_STEP / (periods_per_year * HUNDRED)
        for _ in range(_MAX_STEPS):
            value, slope = _present_value(runs, i, first_period_fraction)
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
