"""One payment option's month-by-month repayment, as ``ketacost schedule`` shows it. Pure: no I/O."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ketacost.course import Course
from ketacost.errors import BadInput
from ketacost.estimator import OptionEstimate, PricePointName
from ketacost.finance.schedule import Installment
from ketacost.money import ZERO


@dataclass(frozen=True, slots=True)
class Repayment:
    """Rows are months 1..n; a down payment is ``upfront``, not a row. ``upfront + payments == total_paid``."""

    option: str
    kind: str
    name: str
    point: PricePointName
    financed: Decimal
    note_rate: Decimal | None
    apr: Decimal | None
    upfront: Decimal
    rows: tuple[Installment, ...]
    dates: tuple[dt.date | None, ...]
    minimum_only: bool
    per_visit: bool = False  # rows are what is paid at the visits of each month, not installments

    def total(self, field: str) -> Decimal:
        return sum((getattr(row, field) for row in self.rows), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return self.upfront + self.total("payment")


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day (Jan 31 -> Feb 28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def by_visit_month(visits: tuple[Decimal, ...], months: list[int]) -> tuple[Installment, ...]:
    """Payments made at each visit, gathered by the month the visits fall in."""
    paid: dict[int, Decimal] = {}
    for month, amount in zip(months, visits, strict=True):
        paid[month] = paid.get(month, ZERO) + amount
    balance = sum(visits, ZERO)
    rows = []
    for month in range(1, max(paid) + 1):
        payment = paid.get(month, ZERO)
        balance -= payment
        rows.append(Installment(month, payment, ZERO, payment, ZERO, balance))
    return tuple(rows)


def repayment(
    option: OptionEstimate,
    point: PricePointName,
    course: Course,
    *,
    start: dt.date | None = None,
    minimum_only: bool = False,
) -> Repayment:
    """The rows behind an estimate's figures; with ``minimum_only``, a deferred-interest plan's trap instead."""
    outcome = option.at(point)
    if not outcome.available:
        raise BadInput(f"{option.id} is not available at the {point} price: {outcome.reason}")
    schedule = outcome.schedule
    if minimum_only:
        if outcome.risk_schedule is None:
            raise BadInput(f"--minimum-only applies to deferred-interest options; {option.id} is {option.kind}")
        schedule = outcome.risk_schedule
    rows = schedule.rows if schedule is not None else ()
    upfront = outcome.upfront
    if outcome.visits and not minimum_only:  # paid at each visit: follow the sessions month by month
        rows = by_visit_month(outcome.visits, course.session_months())
        upfront = ZERO
    # Payments fall at the end of each month from the start date (Regulation Z's regular monthly periods).
    dates = tuple(add_months(start, row.month) if start else None for row in rows)
    return Repayment(
        option=option.id,
        kind=option.kind,
        name=option.name,
        point=point,
        financed=outcome.financed,
        note_rate=schedule.note_rate if minimum_only and schedule else outcome.note_rate,
        apr=None if minimum_only else outcome.apr,
        upfront=upfront,
        rows=rows,
        dates=dates,
        minimum_only=minimum_only,
        per_visit=bool(outcome.visits) and not minimum_only,
    )
