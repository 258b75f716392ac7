"""Repayment schedules: the level payment, amortization and zero-interest equal installments.

Each schedule function has a ``*_totals`` twin that gives what the schedule adds up to (its payments in order,
its total interest and fees) without building its rows: an estimate needs only those, and the rows only when a
schedule is shown. The twins run the balance down in whole cents with integers, exactly as the rows would.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal

from ketacost.money import CENT, ZERO, cents
from ketacost.record import Record

# Monthly interest is cents(balance * APR / 1200) (APR in percent, 12 periods a year).
_PERCENT_MONTHS = Decimal(1200)


# 19 significant digits: one machine word in libmpdec, so that ``balance * rate`` (a balance has at most 9 digits)
# is an exact one-word product, never rounded: the amortization loop's multiplication is as cheap as it gets.
_RATE_DIGITS = Context(prec=19, rounding=ROUND_CEILING)


def _monthly_rate(annual_rate_pct: Decimal) -> Decimal:
    """APR / 1200 to 19 digits, rounded *up*, so that ``cents(balance * rate)`` equals the exact rounding.

    Why this is exact: balance has 2 decimals and the APR at most 4, so the exact interest is a multiple of
    1/1.2e9 of a dollar; a value that is not a half-cent tie is at least ~8e-10 away from one, far beyond the
    error of a 19-digit rate (under 1e-20 relative, so under 1e-14 on the largest balance, 1,000,000.00). A
    value that *is* a tie comes out at or above it, never below, because the rate was rounded up, so half-up
    rounding still goes up. One multiplication per month instead of a multiplication and a division is what
    makes schedules fast (benchmarks/finance.py).
    """
    return _RATE_DIGITS.divide(annual_rate_pct, _PERCENT_MONTHS)


class Installment(Record):
    """One month of a schedule; ``payment`` includes any fee charged that month."""

    month: int
    payment: Decimal
    interest: Decimal
    principal: Decimal
    fees: Decimal
    balance: Decimal

    # Written out, as Outcome's is: a schedule builds one per month. tests/test_record.py checks it.
    def __init__(
        self, month: int, payment: Decimal, interest: Decimal, principal: Decimal, fees: Decimal, balance: Decimal
    ) -> None:
        values = self.__dict__
        values["month"] = month
        values["payment"] = payment
        values["interest"] = interest
        values["principal"] = principal
        values["fees"] = fees
        values["balance"] = balance


class Schedule(Record):
    """A repayment schedule: the amount financed, its note rate (annual percent) and the monthly rows."""

    financed: Decimal
    note_rate: Decimal
    rows: tuple[Installment, ...]

    @property
    def months(self) -> int:
        """Number of monthly payments."""
        return len(self.rows)

    @property
    def monthly(self) -> Decimal:
        """The regular monthly payment (the first row's), or 0.00 when nothing is financed."""
        return self.rows[0].payment if self.rows else ZERO

    @property
    def total_payment(self) -> Decimal:
        """Everything paid over the schedule: principal, interest and fees."""
        return sum((row.payment for row in self.rows), ZERO)

    @property
    def total_interest(self) -> Decimal:
        """Interest paid over the schedule."""
        return sum((row.interest for row in self.rows), ZERO)

    @property
    def total_principal(self) -> Decimal:
        """Principal repaid over the schedule; equals ``financed`` exactly."""
        return sum((row.principal for row in self.rows), ZERO)

    @property
    def total_fees(self) -> Decimal:
        """Fees paid over the schedule."""
        return sum((row.fees for row in self.rows), ZERO)


class Totals(Record):
    """What a schedule adds up to: each row's payment in order, the total interest, the total fees and the total
    paid.

    Equal, value and exponent alike, to ``tuple(row.payment for row in s.rows)``, ``s.total_interest``,
    ``s.total_fees`` and ``s.total_payment`` of the schedule ``s`` that the matching schedule function builds.
    """

    payments: tuple[Decimal, ...]
    interest: Decimal
    fees: Decimal
    paid: Decimal

    # Written out, as Outcome's is: a batch adds up a few plans per scenario. tests/test_record.py checks it.
    def __init__(self, payments: tuple[Decimal, ...], interest: Decimal, fees: Decimal, paid: Decimal) -> None:
        values = self.__dict__
        values["payments"] = payments
        values["interest"] = interest
        values["fees"] = fees
        values["paid"] = paid


def totals_of(schedule: Schedule) -> Totals:
    """A built schedule's totals."""
    return Totals(
        tuple(row.payment for row in schedule.rows),
        schedule.total_interest,
        schedule.total_fees,
        schedule.total_payment,
    )


def _financed(principal: Decimal, months: int, monthly_fee: Decimal) -> Decimal:
    """Validate the common inputs; return the principal with exactly two decimals."""
    financed = cents(principal)
    if financed != principal or financed < ZERO:
        raise ValueError(f"principal must be a non-negative whole number of cents, got {principal}")
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    if monthly_fee and (cents(monthly_fee) != monthly_fee or monthly_fee < ZERO):
        raise ValueError(f"monthly fee must be a non-negative whole number of cents, got {monthly_fee}")
    return financed


def level_payment(principal: Decimal, annual_rate_pct: Decimal, months: int) -> Decimal:
    """PMT = P*r / (1 - (1+r)^-n) with r = APR/12/100 (P/n when r == 0), rounded half-up to the cent."""
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    if annual_rate_pct < ZERO:
        raise ValueError(f"annual rate must not be negative, got {annual_rate_pct}")
    if not annual_rate_pct:
        return cents(principal / months)
    rate = annual_rate_pct / _PERCENT_MONTHS
    return cents(principal * rate / (1 - (1 + rate) ** -months))


# Half-up interest in whole cents: D = 1200 * 10**4, for APRs in percent with four decimals (see _totals).
_D = 12_000_000
_TWO_D = 2 * _D


def _build(financed: Decimal, note_rate: Decimal, months: int, payment: Decimal, fee: Decimal) -> Schedule:
    """Run the balance down at ``payment`` a month; the last row (or an earlier payoff) clears the residue."""
    monthly_rate = _monthly_rate(note_rate)
    rows = _run_down(financed, monthly_rate, months, payment, fee)
    return Schedule(financed, note_rate, rows)


def _totals(financed: Decimal, note_rate: Decimal, months: int, payment: Decimal, fee: Decimal) -> Totals:
    """What ``_build`` would give, added up without rows.

    The fast path of :func:`_run_down` in integer cents: with the APR ``a / 10**4`` percent (at most four
    decimals, as the sheet allows), a month's interest on ``b`` cents is exactly ``b * a / D`` cents, D = 1200 *
    10**4, and half-up rounding of that is ``(2*b*a + D) // (2*D)`` for b >= 0. ``_build`` rounds the same exact
    value (see :func:`_monthly_rate`), so the balances agree month by month. Once a balance reaches zero or
    less it stays there in both (interest <= 0, principal >= payment >= 0), so "still owed before the last
    month" is decided alike. Such a payoff, a payment below the first month's interest (a growing balance) and
    a rate with more decimals are left to ``_build`` itself.
    """
    sign, _, exponent = note_rate.as_tuple()
    if sign or not isinstance(exponent, int) or exponent < -4:
        return totals_of(_build(financed, note_rate, months, payment, fee))
    payment_cents = int(payment * 100)  # cents, exactly: amounts here have two decimals
    owed = financed_cents = int(financed * 100)
    if note_rate:
        double_rate = int(note_rate * 20_000)  # 2a
        if payment_cents < (owed * double_rate + _D) // _TWO_D:  # the balance would grow: left to _build
            return totals_of(_build(financed, note_rate, months, payment, fee))
        for _ in range(months - 1):
            owed -= payment_cents - (owed * double_rate + _D) // _TWO_D
        last_interest = (owed * double_rate + _D) // _TWO_D
    else:
        owed -= payment_cents * (months - 1)
        last_interest = 0
    if owed <= 0:  # paid off early by the rounding: the careful loop ends the schedule where it must
        return totals_of(_build(financed, note_rate, months, payment, fee))
    regular = payment + fee
    final = Decimal(owed + last_interest).scaleb(-2) + fee
    # The principal repaid adds up to what was financed, so the interest is what was paid less that.
    interest_cents = payment_cents * (months - 1) - (financed_cents - owed) + last_interest
    fees = fee * months
    paid = Decimal(payment_cents * (months - 1) + owed + last_interest).scaleb(-2) + fees
    return Totals((regular,) * (months - 1) + (final,), Decimal(interest_cents).scaleb(-2), fees, paid)


def _run_down(
    financed: Decimal, monthly_rate: Decimal, months: int, payment: Decimal, fee: Decimal
) -> tuple[Installment, ...]:
    rows: list[Installment] = []
    append = rows.append
    regular = payment + fee
    balance = financed
    # Fast path, the hottest loop in ketacost: no payoff check per month. The balance only falls, so it ends
    # at or below zero exactly when rounding paid the loan off early; then the careful loop below is used.
    for month in range(1, months):
        interest = (balance * monthly_rate).quantize(CENT, ROUND_HALF_UP)  # cents(), inlined
        principal = payment - interest
        balance -= principal
        append(Installment(month, regular, interest, principal, fee, balance))
    if balance > ZERO:
        interest = cents(balance * monthly_rate)
        append(Installment(months, balance + interest + fee, interest, balance, fee, ZERO))
        return tuple(rows)
    return _run_down_carefully(financed, monthly_rate, months, payment, fee)


def _run_down_carefully(
    financed: Decimal, monthly_rate: Decimal, months: int, payment: Decimal, fee: Decimal
) -> tuple[Installment, ...]:
    """As the fast path, but a month whose principal would clear the balance pays it off and ends the schedule."""
    rows: list[Installment] = []
    balance = financed
    last = months
    for month in range(1, months):
        interest = cents(balance * monthly_rate)
        principal = payment - interest
        if principal >= balance:
            last = month
            break
        balance -= principal
        rows.append(Installment(month, payment + fee, interest, principal, fee, balance))
    if balance:
        interest = cents(balance * monthly_rate)
        rows.append(Installment(last, balance + interest + fee, interest, balance, fee, ZERO))
    return tuple(rows)


# Each schedule and its totals twin take the same checked inputs: (financed, note rate, months, payment, fee).
_Plan = tuple[Decimal, Decimal, int, Decimal, Decimal]


def _level(principal: Decimal, annual_rate_pct: Decimal, months: int, monthly_fee: Decimal) -> _Plan:
    financed = _financed(principal, months, monthly_fee)
    payment = _at_least_a_cent(financed, level_payment(financed, annual_rate_pct, months))
    return financed, annual_rate_pct, months, payment, cents(monthly_fee)


def _at_least_a_cent(financed: Decimal, payment: Decimal) -> Decimal:
    """Never a 0.00 installment on a debt: a tiny amount is paid a cent a month, and paid off before its term."""
    return CENT if financed and payment < CENT else payment


def _fixed(principal: Decimal, annual_rate_pct: Decimal, months: int, payment: Decimal, monthly_fee: Decimal) -> _Plan:
    financed = _financed(principal, months, monthly_fee)
    if annual_rate_pct < ZERO:
        raise ValueError(f"annual rate must not be negative, got {annual_rate_pct}")
    if payment < ZERO or cents(payment) != payment:
        raise ValueError(f"payment must be a non-negative whole number of cents, got {payment}")
    return financed, annual_rate_pct, months, cents(payment), cents(monthly_fee)


def _equal(principal: Decimal, months: int, monthly_fee: Decimal) -> _Plan:
    financed = _financed(principal, months, monthly_fee)
    return financed, ZERO, months, _at_least_a_cent(financed, cents(financed / months)), cents(monthly_fee)


def amortize(principal: Decimal, annual_rate_pct: Decimal, months: int, *, monthly_fee: Decimal = ZERO) -> Schedule:
    """Amortize at the level payment; each month's interest is rounded to the cent, the last row clears it."""
    return _build(*_level(principal, annual_rate_pct, months, monthly_fee))


def fixed_payments(
    principal: Decimal,
    annual_rate_pct: Decimal,
    months: int,
    payment: Decimal,
    *,
    monthly_fee: Decimal = ZERO,
) -> Schedule:
    """Repay at ``payment`` a month (before fees); the last month (or an earlier payoff) clears the rest."""
    return _build(*_fixed(principal, annual_rate_pct, months, payment, monthly_fee))


def equal_installments(principal: Decimal, months: int, *, monthly_fee: Decimal = ZERO) -> Schedule:
    """Split without interest into cents(principal/months) a month; the last month absorbs the residue."""
    return _build(*_equal(principal, months, monthly_fee))


def amortize_totals(
    principal: Decimal, annual_rate_pct: Decimal, months: int, *, monthly_fee: Decimal = ZERO
) -> Totals:
    """:func:`amortize`'s totals, without its rows."""
    return _totals(*_level(principal, annual_rate_pct, months, monthly_fee))


def fixed_payments_totals(
    principal: Decimal,
    annual_rate_pct: Decimal,
    months: int,
    payment: Decimal,
    *,
    monthly_fee: Decimal = ZERO,
) -> Totals:
    """:func:`fixed_payments`' totals, without its rows."""
    return _totals(*_fixed(principal, annual_rate_pct, months, payment, monthly_fee))


def equal_installments_totals(principal: Decimal, months: int, *, monthly_fee: Decimal = ZERO) -> Totals:
    """:func:`equal_installments`' totals, without its rows."""
    return _totals(*_equal(principal, months, monthly_fee))
