"""Repayment schedules: the level payment, amortization and zero-interest equal installments."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ketacost.money import ZERO, cents

# Monthly interest is balance * APR / 1200 (APR in percent, 12 periods a year). Dividing the exact product
# balance * APR once, instead of multiplying by a pre-divided rate, keeps exact half-cent ties exact, so
# cents() rounds them up as it must.
_PERCENT_MONTHS = Decimal(1200)


@dataclass(frozen=True, slots=True)
class Installment:
    """One month of a schedule; ``payment`` includes any fee charged that month."""

    month: int
    payment: Decimal
    interest: Decimal
    principal: Decimal
    fees: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True)
class Schedule:
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


# Rows are built in the hot loop by setting the slots directly: exactly what the generated (frozen) __init__
# does with object.__setattr__, at well under half the cost. tests/finance/test_schedule.py checks that these
# rows equal constructor-built ones, so a field added to Installment cannot be silently left unset.
_new = object.__new__
_set_month = vars(Installment)["month"].__set__
_set_payment = vars(Installment)["payment"].__set__
_set_interest = vars(Installment)["interest"].__set__
_set_principal = vars(Installment)["principal"].__set__
_set_fees = vars(Installment)["fees"].__set__
_set_balance = vars(Installment)["balance"].__set__


def _build(financed: Decimal, note_rate: Decimal, months: int, payment: Decimal, fee: Decimal) -> Schedule:
    """Run the balance down at ``payment`` a month; the last row (or an earlier payoff) clears the residue."""
    rows: list[Installment] = []
    append = rows.append
    regular = payment + fee
    balance = financed
    last = months
    for month in range(1, months):
        interest = cents(balance * note_rate / _PERCENT_MONTHS)
        principal = payment - interest
        if principal >= balance:  # rounding outran a tiny balance: this month pays it off
            last = month
            break
        balance -= principal
        row = _new(Installment)
        _set_month(row, month)
        _set_payment(row, regular)
        _set_interest(row, interest)
        _set_principal(row, principal)
        _set_fees(row, fee)
        _set_balance(row, balance)
        append(row)
    if balance:
        interest = cents(balance * note_rate / _PERCENT_MONTHS)
        append(Installment(last, balance + interest + fee, interest, balance, fee, ZERO))
    return Schedule(financed, note_rate, tuple(rows))


def amortize(principal: Decimal, annual_rate_pct: Decimal, months: int, *, monthly_fee: Decimal = ZERO) -> Schedule:
    """Amortize at the level payment; each month's interest is rounded to the cent, the last row clears it."""
    financed = _financed(principal, months, monthly_fee)
    payment = level_payment(financed, annual_rate_pct, months)
    return _build(financed, annual_rate_pct, months, payment, cents(monthly_fee))


def fixed_payments(
    principal: Decimal,
    annual_rate_pct: Decimal,
    months: int,
    payment: Decimal,
    *,
    monthly_fee: Decimal = ZERO,
) -> Schedule:
    """Repay at ``payment`` a month (before fees); the last month (or an earlier payoff) clears the rest."""
    financed = _financed(principal, months, monthly_fee)
    if annual_rate_pct < ZERO:
        raise ValueError(f"annual rate must not be negative, got {annual_rate_pct}")
    if payment < ZERO or cents(payment) != payment:
        raise ValueError(f"payment must be a non-negative whole number of cents, got {payment}")
    return _build(financed, annual_rate_pct, months, cents(payment), cents(monthly_fee))


def equal_installments(principal: Decimal, months: int, *, monthly_fee: Decimal = ZERO) -> Schedule:
    """Split without interest into cents(principal/months) a month; the last month absorbs the residue."""
    financed = _financed(principal, months, monthly_fee)
    return _build(financed, ZERO, months, cents(financed / months), cents(monthly_fee))
