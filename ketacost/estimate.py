"""PriceList + Scenario -> Estimate: what a course costs and what each way of paying means. Pure: no I/O."""

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ketacost.course import Course, Range, price_course, unknown_add_ons
from ketacost.errors import UnknownIds
from ketacost.finance import apr as _apr
from ketacost.finance import deferred as _deferred
from ketacost.finance import schedule as _schedule
from ketacost.finance.deferred import PromoTerms
from ketacost.finance.insurance import CostSharing, patient_shares
from ketacost.finance.schedule import Schedule, Totals
from ketacost.money import CENT, HUNDRED, ZERO, cents, cents_up, fmt_grouped
from ketacost.prices import (
    ClinicPlan,
    DeferredInterest,
    Insurance,
    Loan,
    PaymentOption,
    PriceList,
    ReducedApr,
    SelfPay,
    TaxAccount,
    VaCoverage,
    from_sheet,
)
from ketacost.record import Record
from ketacost.scenario import Scenario, check

if TYPE_CHECKING:
    from ketacost.sheet.model import Sheet

__all__ = ["POINTS", "Course", "Estimate", "OptionEstimate", "Outcome", "Range", "Scenario", "estimate", "price_course"]

PricePointName = Literal["low", "typical", "high"]
POINTS: tuple[PricePointName, ...] = ("low", "typical", "high")

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
        self.payments, self.interest, self.fees, self.total = totals
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
def _regz_apr(amount_financed: Decimal, runs: _apr.Runs, near: Decimal | None = None) -> Decimal | None:
    return _apr.runs_apr(amount_financed, runs, near=near)


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
    def net_cost(self) -> Decimal:
        return self.total_paid - self.tax_savings

    @property
    def largest_payment(self) -> Decimal:
        """The most paid at any one time: the upfront amount or the largest installment."""
        return max((self.upfront, *self.installments))


Note = tuple[Callable[..., str], tuple[Any, ...]]  # a note as the function that writes it and what it says


class OptionEstimate(Record):
    """A payment option priced at the low, typical and high course total."""

    id: str
    kind: str
    name: str
    low: Outcome
    typical: Outcome
    high: Outcome
    said: tuple[Note, ...] = ()  # the notes, each written out when shown (a batch never shows them)
    conditional: bool = False  # only some patients qualify (VA): never marked "cheapest" on its own
    fits_budget: bool | None = None  # None: no budget given

    def at(self, point: PricePointName) -> Outcome:
        value: Outcome = getattr(self, point)
        return value

    @property
    def notes(self) -> tuple[str, ...]:
        """What to know about this option, each note once, in the order they came up."""
        return tuple(dict.fromkeys(write(*args) for write, args in self.said))


class Budget(Record):
    """What fits a monthly budget: no single payment (upfront or installment) above it."""

    amount: Decimal
    fitting: tuple[str, ...]
    cheapest: str | None
    suggestion: str | None


class Estimate(Record):
    """Everything a renderer needs; no arithmetic is left for it to do."""

    source: str
    effective: str
    course: Course
    tax_rate: Decimal
    options: tuple[OptionEstimate, ...]
    cheapest: str | None = None  # id of the lowest net cost at the typical price
    coverage_note: str = ""
    funding: tuple[tuple[str, Decimal], ...] = ()  # what goes first for financed options, at the typical price
    budget: Budget | None = None


def estimate(sheet: "PriceList | Sheet", scenario: Scenario, *, source: str) -> Estimate:
    """Price the course and every payment option that applies (a validated Sheet is read as its PriceList).

    Raises :class:`BadInput` for a scenario out of bounds, wherever it was built (:func:`ketacost.scenario.check`).
    """
    check(scenario)
    if not isinstance(sheet, PriceList):
        sheet = from_sheet(sheet)
    treatment_id = scenario.treatment or sheet.default_treatment
    treatment = sheet.treatments.get(treatment_id)
    unknown = [] if treatment is not None else [("treatment", _unknown("treatment", treatment_id, sheet.treatments))]
    unknown += [
        ("options", _unknown("payment option", option_id, sheet.options))
        for option_id in scenario.options
        if option_id not in sheet.options
    ]
    if treatment is not None:
        unknown += [("add_ons", message) for message in unknown_add_ons(treatment_id, treatment, scenario)]
    if unknown:
        raise UnknownIds(unknown)
    assert treatment is not None
    course = price_course(treatment_id, treatment, scenario)
    pricer = Pricer(sheet, course, scenario)
    options = tuple(pricer.option(option_id) for option_id in scenario.options or tuple(sheet.options))
    budget = None
    if scenario.budget is not None:
        budget = pricer.budget(options, scenario.budget)
        options = tuple(o._replace(fits_budget=o.id in budget.fitting) for o in options)
    return Estimate(
        source=source,
        effective=sheet.effective.isoformat(),
        course=course,
        tax_rate=pricer.tax_rate,
        options=options,
        cheapest=_cheapest(options),
        coverage_note=sheet.coverage_note,
        funding=pricer.funding_shown(course.total.typical),
        budget=budget,
    )


class Pricer:
    """Prices each payment option for a course; shared inputs are worked out once."""

    def __init__(self, sheet: PriceList, course: Course, scenario: Scenario) -> None:
        self.sheet = sheet
        self.course = course
        self.scenario = scenario
        self.tax_rate = sheet.tax.default_marginal_rate if scenario.tax_rate is None else scenario.tax_rate
        self.notes: list[Note] = []
        self._funding: dict[Decimal, tuple[Decimal, Decimal, tuple[tuple[str, Decimal, Decimal], ...]]] = {}

    # -- the options ---------------------------------------------------------------------------------------------

    def option(self, option_id: str) -> OptionEstimate:
        option = self.sheet.options[option_id]
        self.notes = []
        if option.treatments is not None and self.course.treatment_id not in option.treatments:
            outcomes = [_unavailable(f"not offered for {self.course.treatment}")] * 3
        else:
            # Every part of a course total rises from low to high, so equal totals (one --price for all three
            # points) mean equal courses: each distinct total is priced once.
            by_total: dict[Decimal, Outcome] = {}
            outcomes = []
            for point, total in zip(POINTS, self.course.total, strict=True):
                outcome = by_total.get(total)
                if outcome is None:
                    outcome = by_total[total] = self.outcome(option, total, point)
                outcomes.append(outcome)
        if option.note:
            self.notes.append((str, (option.note,)))
        low, typical, high = outcomes  # fields by position: id, kind, name, the points, notes, conditional
        return OptionEstimate(
            option_id, option.kind, option.name, low, typical, high, tuple(self.notes), option.kind == "va"
        )

    def outcome(self, option: PaymentOption, total: Decimal, point: PricePointName) -> Outcome:
        """This option for one course total."""
        price = _PAID_FIRST.get(type(option))
        if price is None:
            if isinstance(option, SelfPay):
                return self.self_pay(option, total)
            if isinstance(option, TaxAccount):
                return self.tax_account(option, total)
            if isinstance(option, Insurance):
                return self.insurance(option, point)
            if isinstance(option, VaCoverage):
                return self.va(option)
            price = _PAID_FIRST[DeferredInterest]  # as ever, what is left is a deferred-interest plan
        first, savings = self.funding(total)  # financed: HSA, FSA and a down payment go first
        return price(self, option, first, total - first, savings)

    def self_pay(self, option: SelfPay, total: Decimal) -> Outcome:
        discount = cents(total * option.prepay_discount_pct / HUNDRED)
        if discount:
            self.notes.append((_discount_note, (option.prepay_discount_pct,)))
        return Outcome(total - discount, (), ZERO, ZERO, ZERO)  # upfront, installments, interest, fees, savings

    def tax_account(self, option: TaxAccount, total: Decimal) -> Outcome:
        limit = self.account_limit(option)
        balance = self.scenario.hsa_balance if option.kind == "hsa" else self.scenario.fsa_balance
        eligible = min(total, limit) if balance is None else min(total, limit, balance)
        rate = self.savings_rate(option)
        self.notes.append((_account_note, (option, limit, balance, self.sheet.tax.year, rate)))
        savings = cents(eligible * rate / HUNDRED)
        return Outcome(total, (), ZERO, ZERO, savings)  # upfront, installments, interest, fees, tax savings

    def loan(self, option: Loan, first: Decimal, financed: Decimal, savings: Decimal) -> Outcome:
        fee_share = option.origination_fee_pct / HUNDRED
        if option.fee_handling == "deducted":
            # The lender keeps the fee out of the proceeds: borrow enough that the clinic still gets it all.
            principal = cents_up(financed / (1 - fee_share))
            fee = principal - financed
        else:
            fee = cents(financed * fee_share)
            principal = financed + fee
        plan = amortize(principal, option.apr, option.term_months)
        if fee:
            self.notes.append((_fee_note, (option,)))
        # The fee is a prepaid finance charge, netted from the amount financed (as finance.apr.loan_apr does).
        # Without a fee the APR is almost always the note rate: a hint the solver checks first.
        apr = (
            _regz_apr(principal - fee, plan.runs, None if fee else option.apr)
            if plan.payments and (fee or plan.interest)
            else None
        )
        self.notes.append((_loan_note, (option.apr, option.term_months, apr)))
        return _financed(first, plan, fees=fee, savings=savings, financed=financed, apr=apr, rate=option.apr)

    def clinic_plan(self, option: ClinicPlan, first: Decimal, financed: Decimal, savings: Decimal) -> Outcome:
        if option.down_payment is not None:
            down = min(option.down_payment, financed)
        else:
            down = cents(financed * option.down_payment_pct / HUNDRED)
        financed -= down
        if option.apr:
            plan = amortize(financed, option.apr, option.months)
        else:
            plan = equal_installments(financed, option.months)
        if option.setup_fee:
            self.notes.append((_plan_fee_note, (option.setup_fee,)))
        charge = plan.interest + option.setup_fee
        # The plan fee is a prepaid finance charge (Reg Z): it is netted from the amount financed.
        apr = (
            _regz_apr(financed - option.setup_fee, plan.runs, None if option.setup_fee else option.apr)
            if charge
            else None
        )
        if apr is not None:
            self.notes.append((_plan_apr_note, (apr,)))
        upfront = first + down + option.setup_fee
        return _financed(
            upfront, plan, fees=option.setup_fee, savings=savings, financed=financed, apr=apr, rate=option.apr
        )

    def reduced_apr(self, option: ReducedApr, first: Decimal, financed: Decimal, savings: Decimal) -> Outcome:
        if financed < option.min_purchase:
            return _unavailable(_below_minimum(option.min_purchase, financed))
        plan = amortize(financed, option.apr, option.term_months)
        apr = _regz_apr(financed, plan.runs, option.apr) if plan.interest else None
        self.notes.append((_fixed_apr_note, (option.apr, option.term_months)))
        return _financed(first, plan, fees=ZERO, savings=savings, financed=financed, apr=apr, rate=option.apr)

    def deferred(self, option: DeferredInterest, first: Decimal, financed: Decimal, savings: Decimal) -> Outcome:
        if financed < option.min_purchase:
            return _unavailable(_below_minimum(option.min_purchase, financed))
        terms = PromoTerms(
            promo_months=option.promo_months,
            standard_apr=option.standard_apr,
            min_payment_pct=option.min_payment_pct,
            min_payment_floor=option.min_payment_floor,
            repay_months=option.repay_months,
        )
        plan = paid_in_full(financed, terms)
        self.notes.append((_promotion_note, (option.promo_months, option.standard_apr)))
        return _financed(
            first,
            plan,
            fees=ZERO,
            savings=savings,
            financed=financed,
            apr=None,
            rate=option.standard_apr,
            risk=minimum_only(financed, terms),
        )

    def insurance(self, option: Insurance, point: PricePointName) -> Outcome:
        course = self.course
        if not course.insurable:
            return _unavailable(f"{course.treatment} is rarely covered by insurance (not insurable in the sheet)")
        s = self.scenario
        plan = CostSharing(
            deductible_left=option.deductible_left if s.deductible_left is None else s.deductible_left,
            coinsurance_pct=option.coinsurance_pct if s.coinsurance is None else s.coinsurance,
            copay=option.copay if s.copay is None else s.copay,
            oop_max_left=option.oop_max_left if s.oop_max_left is None else s.oop_max_left,
        )
        charges = list(course.session_charges(point))
        shares = patient_shares(charges, plan)
        self.notes.append((_insurance_note, (plan,)))
        return Outcome(
            upfront=sum(shares, ZERO), installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO, visits=shares
        )

    def va(self, option: VaCoverage) -> Outcome:
        visits = (cents(option.copay_per_session),) * self.course.sessions
        self.notes.append((_copay_note, (option.copay_per_session,)))
        return Outcome(
            upfront=sum(visits, ZERO), installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO, visits=visits
        )

    # -- money that goes first -----------------------------------------------------------------------------------

    def account(self, kind: Literal["hsa", "fsa"]) -> TaxAccount:
        """The sheet's HSA or FSA terms (the first option of that kind), or the usual ones."""
        for option in self.sheet.options.values():
            if isinstance(option, TaxAccount) and option.kind == kind:
                return option
        return TaxAccount(
            kind=kind,
            name=kind.upper(),
            note="",
            treatments=None,
            coverage="self_only",
            catch_up=False,
            payroll=kind == "fsa",
        )

    def account_limit(self, option: TaxAccount) -> Decimal:
        tax = self.sheet.tax
        if option.kind == "fsa":
            return tax.fsa_limit
        limit = tax.hsa_family_limit if option.coverage == "family" else tax.hsa_self_only_limit
        return limit + (tax.hsa_catch_up if option.catch_up else ZERO)

    def savings_rate(self, option: TaxAccount) -> Decimal:
        """Marginal rate plus FICA for payroll money; at most 100%: a pre-tax dollar saves at most a dollar."""
        return min(self.tax_rate + (self.sheet.tax.fica_rate if option.payroll else ZERO), HUNDRED)

    def funding_parts(self, total: Decimal) -> tuple[tuple[str, Decimal, Decimal], ...]:
        """HSA, FSA and cash down payment, in that order, each as (what, amount, tax savings)."""
        return self._funded(total)[2]

    def _funded(self, total: Decimal) -> tuple[Decimal, Decimal, tuple[tuple[str, Decimal, Decimal], ...]]:
        """(paid before financing, its tax savings, the parts), worked out once per course total."""
        known = self._funding.get(total)
        if known is not None:
            return known
        s = self.scenario
        parts: list[tuple[str, Decimal, Decimal]] = []
        left = total
        for kind, balance in (("hsa", s.hsa_balance), ("fsa", s.fsa_balance)):
            if balance:
                account = self.account(kind)  # type: ignore[arg-type]
                used = min(left, self.account_limit(account), balance)
                parts.append((kind.upper(), used, cents(used * self.savings_rate(account) / HUNDRED)))
                left -= used
        if s.down_payment:
            parts.append(("down payment", min(left, s.down_payment), ZERO))
        funded = sum((p[1] for p in parts), ZERO), sum((p[2] for p in parts), ZERO), tuple(parts)
        self._funding[total] = funded
        return funded

    def funding(self, total: Decimal) -> tuple[Decimal, Decimal]:
        """(paid before financing, its tax savings) for a financed option."""
        first, savings, parts = self._funded(total)
        if parts:
            self.notes.append((_funding_note, (parts,)))
        return first, savings

    def funding_shown(self, total: Decimal) -> tuple[tuple[str, Decimal], ...]:
        return tuple((what, amount) for what, amount, _ in self.funding_parts(total))

    # -- the budget ----------------------------------------------------------------------------------------------

    def budget(self, options: tuple[OptionEstimate, ...], amount: Decimal) -> Budget:
        fitting = tuple(o.id for o in options if o.typical.available and o.typical.largest_payment <= amount)
        cheapest = _cheapest(tuple(o for o in options if o.id in fitting))
        suggestion = None if fitting else self.budget_suggestion(options, amount)
        return Budget(amount=amount, fitting=fitting, cheapest=cheapest, suggestion=suggestion)

    def budget_suggestion(self, options: tuple[OptionEstimate, ...], amount: Decimal) -> str | None:
        """The smallest change that makes the cheapest financed option fit: a down payment, found to the cent."""
        financed = [o for o in options if o.typical.available and o.typical.months and not o.conditional]
        if not financed:
            return None
        best = min(financed, key=lambda o: o.typical.net_cost)
        longest = max(financed, key=lambda o: o.typical.months)
        option = self.sheet.options[best.id]
        total = self.course.total.typical

        def installments_fit(down: Decimal) -> Outcome | None:
            pricer = Pricer(self.sheet, self.course, self.scenario._replace(down_payment=down))
            outcome = pricer.outcome(option, total, "typical")
            fits = outcome.available and max(outcome.installments, default=ZERO) <= amount
            return outcome if fits else None

        low, high = ZERO, total  # paying it all down always fits: nothing is left to finance
        while high - low > CENT:
            middle = cents((low + high) / 2)
            if installments_fit(middle):
                high = middle
            else:
                low = middle
        down = low if low and installments_fit(low) else high
        after = installments_fit(down)
        then = f" (then {fmt_grouped(after.monthly)} x {after.months})" if after and after.months else ""
        text = f"No option fits {fmt_grouped(amount)} a month. {best.name} fits with {fmt_grouped(down)} down{then}."
        if longest.id != best.id:
            text += (
                f" The longest term offered is {longest.typical.months} months ({longest.name}, "
                f"{fmt_grouped(longest.typical.monthly)} a month)."
            )
        return text


# How each kind of financed option is priced, after the money that goes first.
_PAID_FIRST: dict[type, Callable[..., Outcome]] = {
    Loan: Pricer.loan,
    ClinicPlan: Pricer.clinic_plan,
    ReducedApr: Pricer.reduced_apr,
    DeferredInterest: Pricer.deferred,
}


def _financed(
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


def _unavailable(reason: str) -> Outcome:
    return Outcome(ZERO, (), ZERO, ZERO, ZERO, available=False, reason=reason)


def _below_minimum(minimum: Decimal, financed: Decimal) -> str:
    return f"needs at least {fmt_grouped(minimum)} financed (this would be {fmt_grouped(financed)})"


# The notes, written out only when shown (OptionEstimate.notes).


def _discount_note(pct: Decimal) -> str:
    return f"{_pct(pct)} prepay discount"


def _account_note(option: TaxAccount, limit: Decimal, balance: Decimal | None, year: int, rate: Decimal) -> str:
    basis = "balance" if balance is not None and balance < limit else f"{year} IRS limit"
    return (
        f"Pays up to {fmt_grouped(limit if balance is None else min(limit, balance))} from the "
        f"{option.kind.upper()} ({basis}); savings at {_pct(rate)} on the pre-tax part"
        + (" (income tax + FICA)" if option.payroll else "")
    )


def _fee_note(option: Loan) -> str:
    how = "deducted from the proceeds" if option.fee_handling == "deducted" else "added to the loan"
    return f"{_pct(option.origination_fee_pct)} origination fee {how}"


def _loan_note(rate: Decimal, months: int, apr: Decimal | None) -> str:
    return f"{_pct(rate)} note rate over {months} months" + (
        f"; APR {apr}% (Regulation Z, counting fees)" if apr is not None else ""
    )


def _plan_fee_note(fee: Decimal) -> str:
    return f"{fmt_grouped(fee)} plan fee paid with the down payment"


def _plan_apr_note(apr: Decimal) -> str:
    return f"APR {apr}% (Regulation Z, counting the plan fee)"


def _fixed_apr_note(rate: Decimal, months: int) -> str:
    return f"{_pct(rate)} fixed APR over {months} months"


def _promotion_note(months: int, rate: Decimal) -> str:
    return (
        f"No interest if paid in full within {months} months; otherwise "
        f"{_pct(rate)} APR is charged from the purchase date"
    )


def _insurance_note(plan: CostSharing) -> str:
    return (
        f"With prior authorization; deductible left {fmt_grouped(plan.deductible_left)}, "
        f"coinsurance {_pct(plan.coinsurance_pct)}, copay {fmt_grouped(plan.copay)}, "
        f"out-of-pocket maximum left {fmt_grouped(plan.oop_max_left)}"
    )


def _copay_note(copay: Decimal) -> str:
    return f"{fmt_grouped(copay)} copay per session, paid at each visit"


def _funding_note(parts: tuple[tuple[str, Decimal, Decimal], ...]) -> str:
    shown = ", ".join(f"{what} {fmt_grouped(amount)}" for what, amount, _ in parts)
    return f"{shown} paid first; the rest is financed"


def _cheapest(options: tuple[OptionEstimate, ...]) -> str | None:
    candidates = [o for o in options if o.typical.available and not o.conditional] or [
        o for o in options if o.typical.available
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda o: o.typical.net_cost).id


def _pct(value: Decimal) -> str:
    text = f"{value:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def _unknown(what: str, wanted: str, known: object) -> str:
    names = ", ".join(str(name) for name in known)  # type: ignore[attr-defined]
    return f"unknown {what} {wanted!r} (choose from: {names})"
