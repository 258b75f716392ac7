"""One payment option at one price point (an :class:`Outcome`), and the repayment plans behind it, kept while a
batch meets the same amounts again. Pure: no I/O."""

import functools
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

from ketacost.finance import apr as _apr
from ketacost.finance import deferred as _deferred
from ketacost.finance import schedule as _schedule
from ketacost.finance.schedule import Schedule, Totals
from ketacost.money import ZERO, fmt_grouped
from ketacost.record import Record

# A batch of scenarios meets the same amounts again and again (every scenario at the sheet's prices has the same
# course totals). Schedules and APRs are pure functions of exact values with immutable results, so the recent
# ones are kept; 256 of each stay within a few MiB. Equal Decimals (950 and 950.00) share an entry, which is
# safe: every figure in a schedule and every APR is rounded to the cent.
_recent = functools.lru_cache(maxsize=256)


class Plan:
    """A repayment schedule as an estimate uses it: its payments and totals, added up without building its rows
    (the finance ``*_totals`` functions); the rows, a :class:`Schedule`, are built on first use, when shown."""

    __slots__ = ("_args", "_build", "_schedule", "fees", "interest", "payments", "runs", "total")

    def __init__(self, totals: Totals, build: Callable[..., Schedule], args: tuple[Any, ...]) -> None:
        self.payments, self.interest, self.fees, self.total = totals.payments, totals.interest, totals.fees, totals.paid
        self.runs = _apr.runs(self.payments)
        self._build, self._args = build, args
        self._schedule: Schedule | None = None

    @property
    def schedule(self) -> Schedule:
        if self._schedule is None:
            self._schedule = self._build(*self._args)
        return self._schedule

    # Equal when made the same way from equal inputs, as the schedules (value objects) they stand for are.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plan) and (self._build, self._args) == (other._build, other._args)

    def __hash__(self) -> int:
        return hash((self._build, self._args))


class RiskPlan:
    """A deferred-interest plan's minimum-payments-only path: its interest and its rows, each worked out on first
    use (a batch row shows the interest at the typical price only; ``schedule --minimum-only`` shows the rows)."""

    __slots__ = ("_args", "_interest", "_schedule")

    def __init__(self, *args: Any) -> None:
        self._args = args
        self._interest: Decimal | None = None
        self._schedule: Schedule | None = None

    @property
    def interest(self) -> Decimal:
        if self._interest is None:
            self._interest = _deferred.minimum_only_interest(*self._args)
        return self._interest

    @property
    def schedule(self) -> Schedule:
        if self._schedule is None:
            self._schedule = _deferred.minimum_only_schedule(*self._args)
        return self._schedule

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RiskPlan) and self._args == other._args

    def __hash__(self) -> int:
        return hash(self._args)


def _planned(add_up: Callable[..., Totals], build: Callable[..., Schedule]) -> Callable[..., Plan]:
    @_recent
    def plan(*args: Any) -> Plan:
        return Plan(add_up(*args), build, args)

    return plan


amortize = _planned(_schedule.amortize_totals, _schedule.amortize)
equal_installments = _planned(_schedule.equal_installments_totals, _schedule.equal_installments)
paid_in_full = _planned(_deferred.paid_in_full_totals, _deferred.paid_in_full_schedule)
minimum_only = _recent(RiskPlan)


@_recent
def regz_apr(amount_financed: Decimal, runs: _apr.Runs, near: Decimal | None = None) -> Decimal | None:
    return _apr.runs_apr(amount_financed, runs, near=near)


_found: dict[Hashable, Decimal] = {}  # terms -> the APR last found for them


def regz_apr_like(terms: Hashable, amount_financed: Decimal, runs: _apr.Runs) -> Decimal | None:
    """:func:`regz_apr`, trying first the APR last found for the same ``terms`` (e.g. a loan's rate, term and fee
    percentage, whose APR hardly depends on the amount): two evaluations instead of a Newton search. A hint never
    changes the APR (finance.apr.runs_apr), only how fast it comes."""
    apr = regz_apr(amount_financed, runs, _found.get(terms))
    if apr is not None:
        if len(_found) >= 256:
            _found.clear()
        _found[terms] = apr
    return apr


class Outcome(Record):
    """One payment option at one price point. ``upfront + installments == total_paid``, exactly."""

    upfront: Decimal
    installments: tuple[Decimal, ...]
    interest: Decimal
    fees: Decimal
    tax_savings: Decimal
    financed: Decimal = ZERO
    apr: Decimal | None = None  # Regulation Z APR; None when credit costs nothing
    note_rate: Decimal | None = None
    plan: Plan | None = None  # financed options: the repayment schedule
    risk: RiskPlan | None = None  # deferred interest: the minimum-payments-only path
    visits: tuple[Decimal, ...] = ()  # paid at each visit (copays, insurance shares): what each session costs
    available: bool = True
    reason: str = ""
    # Paid back later (out-of-network claims): (week it arrives, counted from the first session, amount), one per
    # session; what comes back lowers the net cost, not what is paid.
    reimbursements: tuple[tuple[int, Decimal], ...] = ()

    # Written out rather than Record's generic constructor, which takes a few times as long: a batch builds
    # millions. tests/test_record.py checks it takes every field, in order, with its default.
    def __init__(
        self,
        upfront: Decimal,
        installments: tuple[Decimal, ...],
        interest: Decimal,
        fees: Decimal,
        tax_savings: Decimal,
        financed: Decimal = ZERO,
        apr: Decimal | None = None,
        note_rate: Decimal | None = None,
        plan: Plan | None = None,
        risk: RiskPlan | None = None,
        visits: tuple[Decimal, ...] = (),
        available: bool = True,
        reason: str = "",
        reimbursements: tuple[tuple[int, Decimal], ...] = (),
    ) -> None:
        values = self.__dict__
        values["upfront"] = upfront
        values["installments"] = installments
        values["interest"] = interest
        values["fees"] = fees
        values["tax_savings"] = tax_savings
        values["financed"] = financed
        values["apr"] = apr
        values["note_rate"] = note_rate
        values["plan"] = plan
        values["risk"] = risk
        values["visits"] = visits
        values["available"] = available
        values["reason"] = reason
        values["reimbursements"] = reimbursements

    @property
    def schedule(self) -> Schedule | None:
        return None if self.plan is None else self.plan.schedule

    @property
    def risk_schedule(self) -> Schedule | None:
        return None if self.risk is None else self.risk.schedule

    @property
    def interest_at_risk(self) -> Decimal | None:
        """Interest charged if only minimum payments are made (deferred interest), else None."""
        return None if self.risk is None else self.risk.interest

    @property
    def months(self) -> int:
        return len(self.installments)

    @property
    def monthly(self) -> Decimal:
        """The regular installment (the first); the final one may differ by rounding."""
        return self.installments[0] if self.installments else ZERO

    @property
    def final_payment(self) -> Decimal:
        return self.installments[-1] if self.installments else ZERO

    @property
    def total_paid(self) -> Decimal:
        return self.upfront + (sum(self.installments, ZERO) if self.plan is None else self.plan.total)

    @property
    def reimbursed(self) -> Decimal:
        """Everything paid back (out-of-network claims)."""
        return sum((amount for _, amount in self.reimbursements), ZERO)

    @property
    def net_cost(self) -> Decimal:
        return self.total_paid - self.tax_savings - (self.reimbursed if self.reimbursements else ZERO)

    @property
    def largest_payment(self) -> Decimal:
        """The most paid at any one time: the upfront amount or the largest installment."""
        return max((self.upfront, *self.installments))


def financed(
    upfront: Decimal,
    plan: Plan,
    *,
    fees: Decimal,
    savings: Decimal,
    financed: Decimal,
    apr: Decimal | None,
    rate: Decimal,
    risk: RiskPlan | None = None,
) -> Outcome:
    # Positional, in field order (upfront, installments, interest, fees, tax_savings, financed, apr, note_rate,
    # plan, risk): keywords cost a named tuple half as much again, and a batch builds millions.
    return Outcome(upfront, plan.payments, plan.interest, fees + plan.fees, savings, financed, apr, rate, plan, risk)


def unavailable(reason: str) -> Outcome:
    return Outcome(ZERO, (), ZERO, ZERO, ZERO, available=False, reason=reason)


def below_minimum(minimum: Decimal, financed: Decimal) -> str:
    return f"needs at least {fmt_grouped(minimum)} financed (this would be {fmt_grouped(financed)})"


def forget() -> None:
    """Drop every plan, APR and APR hint kept so far: what comes next is worked out from nothing (tests)."""
    for kept in (amortize, equal_installments, paid_in_full, minimum_only, regz_apr):
        kept.cache_clear()  # type: ignore[union-attr]
    _found.clear()
