"""Sheet + Scenario -> Estimate: what a course costs and what each way of paying means. Pure: no I/O."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ketacost.errors import BadInput
from ketacost.finance.schedule import amortize, equal_installments
from ketacost.money import HUNDRED, ZERO, cents, cents_up, fmt_grouped
from ketacost.sheet.model import (
    ClinicPlan,
    Loan,
    PaymentOption,
    SelfPay,
    Sheet,
    TaxAccount,
    Treatment,
    VaCoverage,
)

PricePointName = Literal["low", "typical", "high"]
POINTS: tuple[PricePointName, ...] = ("low", "typical", "high")


@dataclass(frozen=True, slots=True)
class Scenario:
    """What the user asked: which treatment, how many sessions, what they can pay with."""

    treatment: str | None = None
    sessions: int | None = None
    price: Decimal | None = None  # one per-session price instead of the sheet's range
    tax_rate: Decimal | None = None  # marginal rate in percent; None: the sheet's default
    hsa_balance: Decimal | None = None
    fsa_balance: Decimal | None = None
    options: tuple[str, ...] = ()  # only these payment options; empty: all that apply
    add_ons: tuple[str, ...] = ()  # optional add-ons to include


@dataclass(frozen=True, slots=True)
class Range:
    """A figure at the low, typical and high price."""

    low: Decimal
    typical: Decimal
    high: Decimal

    def at(self, point: PricePointName) -> Decimal:
        value: Decimal = getattr(self, point)
        return value


@dataclass(frozen=True, slots=True)
class Course:
    """The course priced: treatment, sessions, per-session range and course total."""

    treatment_id: str
    treatment: str
    unit: str
    sessions: int
    weeks: tuple[int, int]
    per_session: Range
    total: Range
    add_ons: tuple[str, ...]  # names of the add-ons included in the total


@dataclass(frozen=True, slots=True)
class Outcome:
    """One payment option at one price point. ``upfront + installments == total_paid``, exactly."""

    upfront: Decimal
    installments: tuple[Decimal, ...]
    interest: Decimal
    fees: Decimal
    tax_savings: Decimal
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


@dataclass(frozen=True, slots=True)
class OptionEstimate:
    """A payment option priced at the low, typical and high course total."""

    id: str
    kind: str
    name: str
    low: Outcome
    typical: Outcome
    high: Outcome
    notes: tuple[str, ...] = ()
    conditional: bool = False  # only some patients qualify (VA): never marked "cheapest" on its own

    def at(self, point: PricePointName) -> Outcome:
        value: Outcome = getattr(self, point)
        return value


@dataclass(frozen=True, slots=True)
class Estimate:
    """Everything a renderer needs; no arithmetic is left for it to do."""

    source: str
    effective: str
    course: Course
    tax_rate: Decimal
    options: tuple[OptionEstimate, ...]
    cheapest: str | None = None  # id of the lowest net cost at the typical price
    coverage_note: str = ""
    notes: tuple[str, ...] = field(default=())


def estimate(sheet: Sheet, scenario: Scenario, *, source: str) -> Estimate:
    """Price the course and every payment option that applies."""
    treatment_id = scenario.treatment or sheet.default_treatment
    treatment = sheet.treatments.get(treatment_id)
    if treatment is None:
        raise BadInput(_unknown("treatment", treatment_id, sheet.treatments))
    course = price_course(treatment_id, treatment, scenario)
    tax_rate = sheet.tax.default_marginal_rate if scenario.tax_rate is None else scenario.tax_rate

    for option_id in scenario.options:
        if option_id not in sheet.options:
            raise BadInput(_unknown("payment option", option_id, sheet.options))
    chosen = scenario.options or tuple(sheet.options)
    options = tuple(
        _price_option(option_id, sheet.options[option_id], sheet, treatment_id, course, scenario, tax_rate)
        for option_id in chosen
    )
    return Estimate(
        source=source,
        effective=sheet.effective.isoformat(),
        course=course,
        tax_rate=tax_rate,
        options=options,
        cheapest=_cheapest(options),
        coverage_note=sheet.coverage_note,
    )


def price_course(treatment_id: str, treatment: Treatment, scenario: Scenario) -> Course:
    """Per-session range and course total, with the add-ons that apply."""
    for add_on_id in scenario.add_ons:
        if add_on_id not in treatment.add_ons:
            raise BadInput(_unknown(f"add-on for {treatment_id}", add_on_id, treatment.add_ons))
    sessions = scenario.sessions or treatment.course.sessions
    included = [
        add_on
        for add_on_id, add_on in treatment.add_ons.items()
        if not add_on.optional or add_on_id in scenario.add_ons
    ]

    def per_session(point: PricePointName) -> Decimal:
        base = scenario.price if scenario.price is not None else getattr(treatment.price, point)
        extra = sum((getattr(a.price, point) for a in included if a.per == "session"), ZERO)
        return cents(base + extra)

    def total(point: PricePointName) -> Decimal:
        once = sum((getattr(a.price, point) for a in included if a.per == "course"), ZERO)
        return cents(per_session(point) * sessions + once)

    return Course(
        treatment_id=treatment_id,
        treatment=treatment.name,
        unit=treatment.unit,
        sessions=sessions,
        weeks=(treatment.course.weeks_min, treatment.course.weeks_max),
        per_session=Range(*(per_session(p) for p in POINTS)),
        total=Range(*(total(p) for p in POINTS)),
        add_ons=tuple(a.name for a in included),
    )


def _price_option(
    option_id: str,
    option: PaymentOption,
    sheet: Sheet,
    treatment_id: str,
    course: Course,
    scenario: Scenario,
    tax_rate: Decimal,
) -> OptionEstimate:
    notes: list[str] = []
    applies = option.treatments is None or treatment_id in option.treatments
    if not applies:
        reason = f"not offered for {course.treatment}"
        outcomes = [_unavailable(reason) for _ in POINTS]
    else:
        # A single --price makes the three totals equal: price each distinct total once (a batch runs this a lot).
        priced: dict[Decimal, Outcome] = {}
        outcomes = []
        for point in POINTS:
            total = course.total.at(point)
            if total not in priced:
                priced[total] = _price(option, sheet, course, scenario, tax_rate, total, notes)
            outcomes.append(priced[total])
    if option.note:
        notes.append(option.note)
    return OptionEstimate(
        id=option_id,
        kind=option.kind,
        name=option.name,
        low=outcomes[0],
        typical=outcomes[1],
        high=outcomes[2],
        notes=tuple(dict.fromkeys(notes)),
        conditional=option.kind == "va",
    )


def _price(
    option: PaymentOption,
    sheet: Sheet,
    course: Course,
    scenario: Scenario,
    tax_rate: Decimal,
    total: Decimal,
    notes: list[str],
) -> Outcome:
    """This option for one course total."""
    if isinstance(option, SelfPay):
        return _self_pay(option, total, notes)
    if isinstance(option, TaxAccount):
        return _tax_account(option, sheet, total, scenario, tax_rate, notes)
    if isinstance(option, Loan):
        return _loan(option, total, notes)
    if isinstance(option, ClinicPlan):
        return _clinic_plan(option, total, notes)
    return _va(option, course, notes)


def _self_pay(option: SelfPay, total: Decimal, notes: list[str]) -> Outcome:
    discount = cents(total * option.prepay_discount_pct / HUNDRED)
    if discount:
        notes.append(f"{_pct(option.prepay_discount_pct)} prepay discount")
    return Outcome(upfront=total - discount, installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO)


def _tax_account(
    option: TaxAccount, sheet: Sheet, total: Decimal, scenario: Scenario, tax_rate: Decimal, notes: list[str]
) -> Outcome:
    tax = sheet.tax
    if option.kind == "hsa":
        limit = tax.hsa_family_limit if option.coverage == "family" else tax.hsa_self_only_limit
        limit += tax.hsa_catch_up if option.catch_up else ZERO
        balance = scenario.hsa_balance
    else:
        limit, balance = tax.fsa_limit, scenario.fsa_balance
    eligible = min(total, limit) if balance is None else min(total, limit, balance)
    rate = tax_rate + (tax.fica_rate if option.payroll else ZERO)
    savings = cents(eligible * rate / HUNDRED)
    account = option.kind.upper()
    basis = "balance" if balance is not None and balance < min(total, limit) else f"{tax.year} IRS limit"
    notes.append(
        f"Pays up to {fmt_grouped(min(limit, balance) if balance is not None else limit)} from the {account} "
        f"({basis}); savings at {_pct(rate)} on the pre-tax part" + (" (income tax + FICA)" if option.payroll else "")
    )
    return Outcome(upfront=total, installments=(), interest=ZERO, fees=ZERO, tax_savings=savings)


def _loan(option: Loan, total: Decimal, notes: list[str]) -> Outcome:
    fee_share = option.origination_fee_pct / HUNDRED
    if option.fee_handling == "deducted":
        # The lender keeps the fee out of the proceeds: borrow enough that the clinic still gets the total.
        principal = cents_up(total / (1 - fee_share))
        fee = principal - total
    else:
        fee = cents(total * fee_share)
        principal = total + fee
    repayments = _repayments(principal, option.apr, option.term_months, level=True)
    if fee:
        how = "deducted from the proceeds" if option.fee_handling == "deducted" else "added to the loan"
        notes.append(f"{_pct(option.origination_fee_pct)} origination fee {how}")
    notes.append(f"{_pct(option.apr)} APR note rate over {option.term_months} months")
    return _financed(ZERO, repayments, fees=fee)


def _clinic_plan(option: ClinicPlan, total: Decimal, notes: list[str]) -> Outcome:
    if option.down_payment is not None:
        down = min(option.down_payment, total)
    else:
        down = cents(total * option.down_payment_pct / HUNDRED)
    repayments = _repayments(total - down, option.apr, option.months, level=bool(option.apr))
    if option.setup_fee:
        notes.append(f"{fmt_grouped(option.setup_fee)} plan fee paid with the down payment")
    return _financed(down + option.setup_fee, repayments, fees=option.setup_fee)


Repayments = tuple[tuple[Decimal, ...], Decimal, Decimal]  # installments, total interest, fees in them


@functools.lru_cache(maxsize=512)
def _repayments(principal: Decimal, apr: Decimal, months: int, *, level: bool) -> Repayments:
    """A level-payment (amortized) or equal-installment schedule, reduced to what an Outcome keeps.

    Cached: a schedule depends only on these values, every figure in it is rounded to the cent, and a batch of
    scenarios meets the same course totals again and again (512 entries stay within a few MiB).
    """
    schedule = amortize(principal, apr, months) if level else equal_installments(principal, months)
    return tuple(row.payment for row in schedule.rows), schedule.total_interest, schedule.total_fees


def _financed(upfront: Decimal, repayments: Repayments, *, fees: Decimal) -> Outcome:
    installments, interest, schedule_fees = repayments
    return Outcome(
        upfront=upfront, installments=installments, interest=interest, fees=fees + schedule_fees, tax_savings=ZERO
    )


def _va(option: VaCoverage, course: Course, notes: list[str]) -> Outcome:
    copays = cents(option.copay_per_session * course.sessions)
    notes.append(f"{fmt_grouped(option.copay_per_session)} copay per session, paid at each visit")
    return Outcome(upfront=copays, installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO)


def _unavailable(reason: str) -> Outcome:
    return Outcome(ZERO, (), ZERO, ZERO, ZERO, available=False, reason=reason)


def _cheapest(options: tuple[OptionEstimate, ...]) -> str | None:
    candidates = [o for o in options if o.typical.available and not o.conditional] or [
        o for o in options if o.typical.available
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda o: o.typical.net_cost).id


def _pct(value: Decimal) -> str:
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return f"{text}%"


def _unknown(what: str, wanted: str, known: object) -> str:
    names = ", ".join(str(name) for name in known)  # type: ignore[attr-defined]
    return f"unknown {what} {wanted!r} (choose from: {names})"
