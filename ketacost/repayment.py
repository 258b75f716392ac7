"""One payment option's month-by-month repayment, as ``ketacost schedule`` shows it. Pure: no I/O."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ketacost.course import WEEKS_PER_YEAR, Course
from ketacost.errors import BadInput
from ketacost.estimator import OptionEstimate, PricePointName
from ketacost.finance.schedule import Installment
from ketacost.money import ZERO

LOAN_MADE = "loan"  # month 0: the loan is made; a fee is kept by the lender or added to the loan
FEE_UP_FRONT = "fee"  # month 0: a plan's fee, paid with the down payment
PROMO_ENDS = "deferred_interest"  # the promotion's end: deferred interest charged and added to the balance


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
    per_visit: bool = False  # rows are visits (``month`` is the visit's number): what is paid at each
    received: tuple[Decimal, ...] = ()  # out-of-network: what the plan pays back in each row's month (rows by month)
    events: tuple[str, ...] = ()  # per row: "" (a payment), LOAN_MADE or PROMO_ENDS
    loan_amount: Decimal | None = None  # what the lender lends, when a fee is in it (deducted or financed)
    fee_in_loan: Decimal = ZERO  # the origination fee inside the loan amount
    visit_weeks: tuple[int, ...] = ()  # per-visit rows: the week of the course (1-based) each visit falls in

    @property
    def reimbursed(self) -> Decimal:
        return sum(self.received, ZERO)

    def total(self, field: str) -> Decimal:
        return sum((getattr(row, field) for row in self.rows), ZERO)

    def event(self, index: int) -> str:
        return self.events[index] if self.events else ""

    @property
    def deferred_interest(self) -> Decimal:
        """Interest charged at a deferred-interest promotion's end (its own row), else 0.00."""
        return sum(
            (row.interest for row, event in zip(self.rows, self.events, strict=False) if event == PROMO_ENDS), ZERO
        )

    @property
    def total_paid(self) -> Decimal:
        return self.upfront + self.total("payment")


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day (Jan 31 -> Feb 28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def by_installment(installments: tuple[Decimal, ...]) -> tuple[Installment, ...]:
    """Monthly amounts with no interest (a fee, month by month): each all principal; ``balance`` is what is left."""
    left = sum(installments, ZERO)
    rows = []
    for month, amount in enumerate(installments, start=1):
        left -= amount
        rows.append(Installment(month, amount, ZERO, amount, ZERO, left))
    return tuple(rows)


def by_visit(visits: tuple[Decimal, ...]) -> tuple[Installment, ...]:
    """What is paid at each visit, in order (``month`` is the visit's number); ``balance`` is what is left."""
    left = sum(visits, ZERO)
    rows = []
    for number, amount in enumerate(visits, start=1):
        left -= amount
        rows.append(Installment(number, amount, ZERO, ZERO, ZERO, left))
    return tuple(rows)


def by_visit_month(visits: tuple[Decimal, ...], months: list[int]) -> tuple[Installment, ...]:
    """Payments made at each visit, gathered by the month the visits fall in (out-of-network claims are by month)."""
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


def by_claim_month(
    rows: tuple[Installment, ...], reimbursements: tuple[tuple[int, Decimal], ...]
) -> tuple[tuple[Installment, ...], tuple[Decimal, ...]]:
    """Visit rows lengthened to the month the last claim is paid, and what comes back in each month."""
    back: dict[int, Decimal] = {}
    for week, amount in reimbursements:
        month = week * 12 // WEEKS_PER_YEAR + 1
        back[month] = back.get(month, ZERO) + amount
    last = max(len(rows), max(back, default=0))
    balance = rows[-1].balance if rows else ZERO
    rows += tuple(Installment(month, ZERO, ZERO, ZERO, ZERO, balance) for month in range(len(rows) + 1, last + 1))
    return rows, tuple(back.get(month, ZERO) for month in range(1, last + 1))


def split_promo_end(rows: tuple[Installment, ...]) -> tuple[tuple[Installment, ...], tuple[str, ...]]:
    """A minimum-only path's promotion-end row, whose interest is the whole deferred interest (principal below
    zero), as two: that month's payment, then the deferred interest charged, on its own row."""
    out: list[Installment] = []
    events: list[str] = []
    for row in rows:
        if row.principal < ZERO:
            before = row.balance - row.interest
            out.append(Installment(row.month, row.payment, ZERO, row.payment, row.fees, before))
            out.append(Installment(row.month, ZERO, row.interest, ZERO, ZERO, row.balance))
            events += ["", PROMO_ENDS]
        else:
            out.append(row)
            events.append("")
    return tuple(out), tuple(events)


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
    # Installments with no loan behind them (a membership's monthly fee) are rows too: nothing is lost from totals.
    rows = schedule.rows if schedule is not None else by_installment(outcome.installments)
    upfront = outcome.upfront
    events: tuple[str, ...] = ("",) * len(rows)
    loan_amount, fee_in_loan = None, ZERO
    weeks: tuple[int, ...] = ()
    if minimum_only:
        rows, events = split_promo_end(rows)
    elif schedule is not None and outcome.fees > schedule.total_fees:
        # A fee not in the monthly rows: inside the loan (kept by the lender, or financed), or paid up front. Month
        # 0 shows it, so that the Fees column adds up to the estimate's fees and the balance only falls after it.
        fee = outcome.fees - schedule.total_fees
        in_loan = schedule.financed > outcome.financed
        if in_loan:
            loan_amount, fee_in_loan = schedule.financed, fee
        rows = (Installment(0, ZERO, ZERO, ZERO, fee, schedule.financed), *rows)
        events = (LOAN_MADE if in_loan else FEE_UP_FRONT, *events)
    received: tuple[Decimal, ...] = ()
    if outcome.visits and outcome.reimbursements and not minimum_only:
        # Out-of-network: paid at the visits, paid back after each claim: both by month, to set them side by side.
        rows, received = by_claim_month(by_visit_month(outcome.visits, course.session_months()), outcome.reimbursements)
        events = ("",) * len(rows)
        upfront = ZERO
        dates = tuple(add_months(start, row.month) if start else None for row in rows)
    elif outcome.visits and not minimum_only:  # paid at each visit: a row per visit, dated by the visit
        rows = by_visit(outcome.visits)
        events = ("",) * len(rows)
        upfront = ZERO
        days = course.visit_days()
        weeks = tuple(day // 7 + 1 for day in days)
        dates = tuple(start + dt.timedelta(days=day) if start else None for day in days)
    else:
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
        received=received,
        events=events,
        loan_amount=loan_amount,
        fee_in_loan=fee_in_loan,
        visit_weeks=weeks,
    )
