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

Short cut, the same answer: the disclosed APR is the root rounded half-up to two decimals, so it is R exactly
when the root lies in [R - 0.005, R + 0.005), and as the present value falls with the rate, that is settled by
the present value's sign at the two ends of the interval. Both ends are tested pulled in by ``_MARGIN`` (1e-9
of a percentage point, many orders of magnitude above the solver's remaining error and the 28-digit
arithmetic's), so a root the test places at R is one Newton's method converges to within that interval too,
and gives R; a root nearer an end than the margin gets the full iteration. Two such tests are made:
- a hint (``near``, e.g. the note rate of a loan without fees, whose APR is almost always the note rate): two
  evaluations instead of Newton's four to six;
- during the iteration, once a step is under a tenth of a point (the next iterate is then within about 1e-4 of
  the root): every Newton iterate after the first lies at or below the root (the present value is convex), so
  the lower end holds when the iterate is inside the interval by the margin, and one evaluation at the upper
  end settles R. A fee-bearing 24-month loan takes three evaluations instead of four; tried once, a miss
  costs one evaluation and Newton goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal, localcontext

from ketacost.finance.schedule import Schedule
from ketacost.money import HUNDRED, ZERO, cents

_CONTEXT = Context(prec=28)
_APR_STEP = Decimal("1e-12")
_MAX_STEPS = 100
_HALF_CENT = Decimal("0.005")
_MARGIN = Decimal("1e-9")  # percentage points: how far inside [R - 0.005, R + 0.005) a root must be shown
_SMALL_STEP = Decimal("0.1")  # percentage points: after a step this small, the iterate is within ~1e-4 of the root


Runs = tuple[tuple[Decimal, int], ...]


def runs(payments: Sequence[Decimal]) -> Runs:
    """Consecutive equal payments as (payment, count), last run first: a level schedule is one or two runs."""
    count = len(payments)
    if count > 1:  # a level schedule: all equal, or all but the last (tuple.count compares identity first)
        first, last = payments[0], payments[-1]
        if payments.count(first) == count - (last != first):
            return ((first, count),) if last == first else ((last, 1), (first, count - 1))
    result: list[tuple[Decimal, int]] = []
    for payment in reversed(payments):
        if result and result[-1][0] == payment:
            result[-1] = (payment, result[-1][1] + 1)
        else:
            result.append((payment, 1))
    return tuple(result)


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


def _value(runs: Runs, i: Decimal, f: Decimal) -> Decimal:
    """The present value alone, as :func:`_present_value` works it out."""
    v = 1 / (1 + i)
    q = ZERO
    for payment, m in runs:
        vm = v**m
        q = q * vm + payment * (Decimal(m) if v == 1 else (1 - vm) / (1 - v))
    return v * q / (1 + f * i)


def _below_root(runs: Runs, amount: Decimal, f: Decimal, scale: Decimal, apr: Decimal) -> bool:
    """Whether the root (as an APR) lies at or above ``apr``: the present value there is still above the amount."""
    return apr > 0 and _value(runs, apr / scale, f) > amount


def regz_apr(
    amount_financed: Decimal,
    payments: Sequence[Decimal],
    *,
    first_period_fraction: Decimal = ZERO,
    periods_per_year: int = 12,
    near: Decimal | None = None,
) -> Decimal | None:
    """The actuarial APR in percent, rounded half-up to two decimals; None when it is undefined.

    0.00 when the payments add up to the amount financed; None when there are no payments, nothing is
    financed, or the payments fall short of the amount financed (a negative finance charge). ``near``, a likely
    answer (a fee-free loan's note rate), is tried first; it never changes the result, only how fast it comes.
    """
    return runs_apr(
        amount_financed,
        runs(payments),
        first_period_fraction=first_period_fraction,
        periods_per_year=periods_per_year,
        near=near,
    )


def runs_apr(
    amount_financed: Decimal,
    payment_runs: Runs,
    *,
    first_period_fraction: Decimal = ZERO,
    periods_per_year: int = 12,
    near: Decimal | None = None,
) -> Decimal | None:
    """:func:`regz_apr` of payments given as :func:`runs`."""
    if not payment_runs or amount_financed <= ZERO:
        return None
    if any(payment < ZERO for payment, _ in payment_runs):
        raise ValueError("payments must not be negative")
    if first_period_fraction < ZERO or periods_per_year < 1:
        raise ValueError("first_period_fraction must be >= 0 and periods_per_year >= 1")
    total = sum((payment * m for payment, m in payment_runs), ZERO)
    if total < amount_financed:
        return None
    if total == amount_financed:
        return ZERO
    f = first_period_fraction
    with localcontext(_CONTEXT):
        scale = periods_per_year * HUNDRED
        if near is not None:  # the root in [R - 0.005, R + 0.005), each end pulled in by the margin
            rounded = cents(near)
            if _below_root(payment_runs, amount_financed, f, scale, rounded - _HALF_CENT + _MARGIN) and not (
                _below_root(payment_runs, amount_financed, f, scale, rounded + _HALF_CENT - _MARGIN)
            ):
                return rounded
        weighted = ZERO  # sum of k * P_k: a run over periods a..b adds P * (a + b) * m / 2
        last = sum(m for _, m in payment_runs)
        for payment, m in payment_runs:
            weighted += payment * ((2 * last - m + 1) * m // 2)
            last -= m
        weighted_term = weighted / total
        i = (total - amount_financed) / (amount_financed * weighted_term)
        step_limit = _APR_STEP / scale
        tried = False
        for _ in range(_MAX_STEPS):
            value, slope = _present_value(payment_runs, i, f)
            step = (value - amount_financed) / slope
            after = i - step
            if after <= 0:  # overshot past zero (the root is positive): fall back towards zero
                after = i / 2
            elif not tried and abs(step) * scale < _SMALL_STEP:
                # A Newton iterate lies at or below the root: inside R's interval by the margin, the lower end
                # holds, and the upper end is one evaluation. Tried once; otherwise Newton goes on as ever.
                tried = True
                rounded = cents(after * scale)
                if after * scale >= rounded - _HALF_CENT + _MARGIN and not _below_root(
                    payment_runs, amount_financed, f, scale, rounded + _HALF_CENT - _MARGIN
                ):
                    return rounded
            if abs(after - i) < step_limit:
                i = after
                break
            i = after
        return cents(i * scale)


def loan_apr(schedule: Schedule, prepaid_finance_charge: Decimal) -> Decimal | None:
    """APR of a loan whose fee (e.g. origination) is a prepaid finance charge, netted from the amount."""
    return regz_apr(schedule.financed - prepaid_finance_charge, [row.payment for row in schedule.rows])
