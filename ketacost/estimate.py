"""Sheet + Scenario -> Estimate: what a course costs and what each way of paying means. Pure: no I/O."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from ketacost.course import Course, Range, price_course, unknown_add_ons
from ketacost.errors import UnknownIds
from ketacost.finance import apr as _apr
from ketacost.finance import deferred as _deferred
from ketacost.finance import schedule as _schedule
from ketacost.finance.deferred import PromoTerms
from ketacost.finance.insurance import CostSharing, patient_shares
from ketacost.finance.schedule import Schedule
from ketacost.money import CENT, HUNDRED, ZERO, cents, cents_up, fmt_grouped
from ketacost.scenario import Scenario
from ketacost.sheet.model import (
    ClinicPlan,
    DeferredInterest,
    Insurance,
    Loan,
    PaymentOption,
    ReducedApr,
    SelfPay,
    Sheet,
    TaxAccount,
    VaCoverage,
)

__all__ = ["POINTS", "Course", "Estimate", "OptionEstimate", "Outcome", "Range", "Scenario", "estimate", "price_course"]

PricePointName = Literal["low", "typical", "high"]
POINTS: tuple[PricePointName, ...] = ("low", "typical", "high")

# A batch of scenarios meets the same amounts again and again (every scenario at the sheet's prices has the same
# course totals). Schedules and APRs are pure functions of exact values with immutable results, so the recent
# ones are kept, with the sums an Outcome needs worked out once; 256 of each stay within a few MiB. Equal
# Decimals (950 and 950.00) share an entry, which is safe: every figure in a schedule and every APR is rounded
# to the cent.
_recent = functools.lru_cache(maxsize=256)


class _Plan(NamedTuple):
    """A schedule with its payments and totals at hand."""

    schedule: Schedule
    payments: tuple[Decimal, ...]
    interest: Decimal
    fees: Decimal


def _planned(make: Callable[..., Schedule]) -> Callable[..., _Plan]:
    @_recent
    def plan(*args: Any) -> _Plan:
        schedule = make(*args)
        return _Plan(
            schedule, tuple(row.payment for row in schedule.rows), schedule.total_interest, schedule.total_fees
        )

    return plan


amortize = _planned(_schedule.amortize)
equal_installments = _planned(_schedule.equal_installments)
paid_in_full_schedule = _planned(_deferred.paid_in_full_schedule)
minimum_only_schedule = _planned(_deferred.minimum_only_schedule)


@_recent
def _regz_apr(amount_financed: Decimal, payments: tuple[Decimal, ...]) -> Decimal | None:
    return _apr.regz_apr(amount_financed, payments)


class Outcome(NamedTuple):
    """One payment option at one price point. ``upfront + installments == total_paid``, exactly."""

    upfront: Decimal
    installments: tuple[Decimal, ...]
    interest: Decimal
    fees: Decimal
    tax_savings: Decimal
    financed: Decimal = ZERO
    apr: Decimal | None = None  # Regulation Z APR; None when credit costs nothing
    note_rate: Decimal | None = None
    interest_at_risk: Decimal | None = None  # interest charged if only minimum payments are made
    schedule: Schedule | None = None
    risk_schedule: Schedule | None = None  # deferred interest: the minimum-payments-only path
    visits: tuple[Decimal, ...] = ()  # paid at each visit (copays, insurance shares): what each session costs
    available: bool = True
    reason: str = ""

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
        return self.upfront + sum(self.installments, ZERO)

    @property
    def net_cost(self) -> Decimal:
        return self.total_paid - self.tax_savings

    @property
    def largest_payment(self) -> Decimal:
        """The most paid at any one time: the upfront amount or the largest installment."""
        return max((self.upfront, *self.installments))


class OptionEstimate(NamedTuple):
    """A payment option priced at the low, typical and high course total."""

    id: str
    kind: str
    name: str
    low: Outcome
    typical: Outcome
    high: Outcome
    notes: tuple[str, ...] = ()
    conditional: bool = False  # only some patients qualify (VA): never marked "cheapest" on its own
    fits_budget: bool | None = None  # None: no budget given

    def at(self, point: PricePointName) -> Outcome:
        value: Outcome = getattr(self, point)
        return value


class Budget(NamedTuple):
    """What fits a monthly budget: no single payment (upfront or installment) above it."""

    amount: Decimal
    fitting: tuple[str, ...]
    cheapest: str | None
    suggestion: str | None


class Estimate(NamedTuple):
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


def estimate(sheet: Sheet, scenario: Scenario, *, source: str) -> Estimate:
    """Price the course and every payment option that applies."""
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

    def __init__(self, sheet: Sheet, course: Course, scenario: Scenario) -> None:
        self.sheet = sheet
        self.course = course
        self.scenario = scenario
        self.tax_rate = sheet.tax.default_marginal_rate if scenario.tax_rate is None else scenario.tax_rate
        self.notes: list[str] = []

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
            for point in POINTS:
                total = self.course.total.at(point)
                if total not in by_total:
                    by_total[total] = self.outcome(option, total, point)
                outcomes.append(by_total[total])
        if option.note:
            self.notes.append(option.note)
        return OptionEstimate(
            id=option_id,
            kind=option.kind,
            name=option.name,
            low=outcomes[0],
            typical=outcomes[1],
            high=outcomes[2],
            notes=tuple(dict.fromkeys(self.notes)),
            conditional=option.kind == "va",
        )

    def outcome(self, option: PaymentOption, total: Decimal, point: PricePointName) -> Outcome:
        """This option for one course total."""
        if isinstance(option, SelfPay):
            return self.self_pay(option, total)
        if isinstance(option, TaxAccount):
            return self.tax_account(option, total)
        if isinstance(option, Insurance):
            return self.insurance(option, point)
        if isinstance(option, VaCoverage):
            return self.va(option)
        first, savings = self.funding(total)
        financed = total - first
        if isinstance(option, Loan):
            return self.loan(option, first, financed, savings)
        if isinstance(option, ClinicPlan):
            return self.clinic_plan(option, first, financed, savings)
        if isinstance(option, ReducedApr):
            return self.reduced_apr(option, first, financed, savings)
        return self.deferred(option, first, financed, savings)

    def self_pay(self, option: SelfPay, total: Decimal) -> Outcome:
        discount = cents(total * option.prepay_discount_pct / HUNDRED)
        if discount:
            self.notes.append(f"{_pct(option.prepay_discount_pct)} prepay discount")
        return Outcome(upfront=total - discount, installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO)

    def tax_account(self, option: TaxAccount, total: Decimal) -> Outcome:
        limit = self.account_limit(option)
        balance = self.scenario.hsa_balance if option.kind == "hsa" else self.scenario.fsa_balance
        eligible = min(total, limit) if balance is None else min(total, limit, balance)
        rate = self.savings_rate(option)
        account = option.kind.upper()
        basis = "balance" if balance is not None and balance < limit else f"{self.sheet.tax.year} IRS limit"
        self.notes.append(
            f"Pays up to {fmt_grouped(limit if balance is None else min(limit, balance))} from the {account} "
            f"({basis}); savings at {_pct(rate)} on the pre-tax part"
            + (" (income tax + FICA)" if option.payroll else "")
        )
        savings = cents(eligible * rate / HUNDRED)
        return Outcome(upfront=total, installments=(), interest=ZERO, fees=ZERO, tax_savings=savings)

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
            how = "deducted from the proceeds" if option.fee_handling == "deducted" else "added to the loan"
            self.notes.append(f"{_pct(option.origination_fee_pct)} origination fee {how}")
        # The fee is a prepaid finance charge, netted from the amount financed (as finance.apr.loan_apr does).
        apr = _regz_apr(principal - fee, plan.payments) if plan.payments and (fee or plan.interest) else None
        self.notes.append(f"{_pct(option.apr)} note rate over {option.term_months} months" + _apr_note(apr))
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
            self.notes.append(f"{fmt_grouped(option.setup_fee)} plan fee paid with the down payment")
        charge = plan.interest + option.setup_fee
        # The plan fee is a prepaid finance charge (Reg Z): it is netted from the amount financed.
        apr = _regz_apr(financed - option.setup_fee, plan.payments) if charge else None
        if apr is not None:
            self.notes.append(f"APR {apr}% (Regulation Z, counting the plan fee)")
        upfront = first + down + option.setup_fee
        return _financed(
            upfront, plan, fees=option.setup_fee, savings=savings, financed=financed, apr=apr, rate=option.apr
        )

    def reduced_apr(self, option: ReducedApr, first: Decimal, financed: Decimal, savings: Decimal) -> Outcome:
        if financed < option.min_purchase:
            return _unavailable(_below_minimum(option.min_purchase, financed))
        plan = amortize(financed, option.apr, option.term_months)
        apr = _regz_apr(financed, plan.payments) if plan.interest else None
        self.notes.append(f"{_pct(option.apr)} fixed APR over {option.term_months} months")
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
        plan = paid_in_full_schedule(financed, terms)
        risk = minimum_only_schedule(financed, terms)
        self.notes.append(
            f"No interest if paid in full within {option.promo_months} months; otherwise "
            f"{_pct(option.standard_apr)} APR is charged from the purchase date"
        )
        outcome = _financed(first, plan, fees=ZERO, savings=savings, financed=financed, apr=None, rate=ZERO)
        return outcome._replace(
            interest_at_risk=risk.interest, risk_schedule=risk.schedule, note_rate=option.standard_apr
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
        self.notes.append(
            f"With prior authorization; deductible left {fmt_grouped(plan.deductible_left)}, "
            f"coinsurance {_pct(plan.coinsurance_pct)}, copay {fmt_grouped(plan.copay)}, "
            f"out-of-pocket maximum left {fmt_grouped(plan.oop_max_left)}"
        )
        return Outcome(
            upfront=sum(shares, ZERO), installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO, visits=shares
        )

    def va(self, option: VaCoverage) -> Outcome:
        visits = (cents(option.copay_per_session),) * self.course.sessions
        self.notes.append(f"{fmt_grouped(option.copay_per_session)} copay per session, paid at each visit")
        return Outcome(
            upfront=sum(visits, ZERO), installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO, visits=visits
        )

    # -- money that goes first -----------------------------------------------------------------------------------

    def account(self, kind: Literal["hsa", "fsa"]) -> TaxAccount:
        """The sheet's HSA or FSA terms (the first option of that kind), or the usual ones."""
        for option in self.sheet.options.values():
            if isinstance(option, TaxAccount) and option.kind == kind:
                return option
        return TaxAccount(kind=kind, name=kind.upper(), payroll=kind == "fsa")

    def account_limit(self, option: TaxAccount) -> Decimal:
        tax = self.sheet.tax
        if option.kind == "fsa":
            return tax.fsa_limit
        limit = tax.hsa_family_limit if option.coverage == "family" else tax.hsa_self_only_limit
        return limit + (tax.hsa_catch_up if option.catch_up else ZERO)

    def savings_rate(self, option: TaxAccount) -> Decimal:
        """Marginal rate plus FICA for payroll money; at most 100%: a pre-tax dollar saves at most a dollar."""
        return min(self.tax_rate + (self.sheet.tax.fica_rate if option.payroll else ZERO), HUNDRED)

    def funding_parts(self, total: Decimal) -> list[tuple[str, Decimal, Decimal]]:
        """HSA, FSA and cash down payment, in that order, each as (what, amount, tax savings)."""
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
        return parts

    def funding(self, total: Decimal) -> tuple[Decimal, Decimal]:
        """(paid before financing, its tax savings) for a financed option."""
        parts = self.funding_parts(total)
        if parts:
            shown = ", ".join(f"{what} {fmt_grouped(amount)}" for what, amount, _ in parts)
            self.notes.append(f"{shown} paid first; the rest is financed")
        return sum((p[1] for p in parts), ZERO), sum((p[2] for p in parts), ZERO)

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


def _financed(
    upfront: Decimal,
    plan: _Plan,
    *,
    fees: Decimal,
    savings: Decimal,
    financed: Decimal,
    apr: Decimal | None,
    rate: Decimal,
) -> Outcome:
    return Outcome(
        upfront=upfront,
        installments=plan.payments,
        interest=plan.interest,
        fees=fees + plan.fees,
        tax_savings=savings,
        financed=financed,
        apr=apr,
        note_rate=rate,
        schedule=plan.schedule,
    )


def _unavailable(reason: str) -> Outcome:
    return Outcome(ZERO, (), ZERO, ZERO, ZERO, available=False, reason=reason)


def _below_minimum(minimum: Decimal, financed: Decimal) -> str:
    return f"needs at least {fmt_grouped(minimum)} financed (this would be {fmt_grouped(financed)})"


def _apr_note(apr: Decimal | None) -> str:
    return f"; APR {apr}% (Regulation Z, counting fees)" if apr is not None else ""


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
