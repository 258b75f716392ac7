"""PriceList + Scenario -> Estimate: what a course costs and what each way of paying means. Pure: no I/O.

Each payment kind prices itself (:mod:`ketacost.kinds`); the :class:`Pricer` gives it what options share: the
course, the scenario, the money that goes first, and a place to record notes.
"""

import functools
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ketacost import kinds, offers
from ketacost.course import Course, Range, price_course, unknown_add_ons
from ketacost.errors import UnknownIds
from ketacost.money import CENT, HUNDRED, ZERO, cents, fmt_grouped
from ketacost.outcome import Outcome, unavailable

# The plans kept for batches (ketacost.outcome), also reachable here, where tests clear them.
from ketacost.outcome import amortize as amortize
from ketacost.outcome import equal_installments as equal_installments
from ketacost.outcome import minimum_only as minimum_only
from ketacost.outcome import paid_in_full as paid_in_full
from ketacost.outcome import regz_apr as _regz_apr  # noqa: F401
from ketacost.prices import PaymentOption, PriceList, Treatment, from_sheet
from ketacost.record import Record
from ketacost.scenario import Scenario, check

if TYPE_CHECKING:
    from ketacost.kinds.tax_account import TaxAccount
    from ketacost.sheet.model import Sheet

__all__ = [
    "POINTS",
    "Course",
    "Estimate",
    "Note",
    "OptionEstimate",
    "Outcome",
    "Range",
    "Scenario",
    "estimate",
    "price_course",
]

PricePointName = Literal["low", "typical", "high"]
POINTS: tuple[PricePointName, ...] = ("low", "typical", "high")

# A note is data: what it says (a key its kind, or ketacost.render.notes, words), the price points it holds at
# (none named: every point) and its values. Plain tuples: a batch records notes for every option, never shown.
Note = tuple[str, tuple[PricePointName, ...], tuple[Any, ...]]
SAID = "said"  # the sheet's own note on an option
FUNDING = "funding"  # what is paid before financing


class OptionEstimate(Record):
    """A payment option priced at the low, typical and high course total."""

    id: str
    kind: str
    name: str
    low: Outcome
    typical: Outcome
    high: Outcome
    notes: tuple[Note, ...] = ()  # what to know about it, in the order it came up (worded by ketacost.render.notes)
    conditional: bool = False  # only some patients qualify (VA): never marked "cheapest" on its own
    fits_budget: bool | None = None  # None: no budget given
    offer: str | None = None  # a row of a lender's grid (kinds.lender_grid): the grid's option id
    term_months: int | None = None  # ... and its term (unique within the grid)

    # Written out, as Outcome's is (a batch builds one per scenario and option); tests/test_record.py checks it.
    def __init__(
        self,
        id: str,
        kind: str,
        name: str,
        low: Outcome,
        typical: Outcome,
        high: Outcome,
        notes: tuple[Note, ...] = (),
        conditional: bool = False,
        fits_budget: bool | None = None,
        offer: str | None = None,
        term_months: int | None = None,
    ) -> None:
        values = self.__dict__
        values["id"] = id
        values["kind"] = kind
        values["name"] = name
        values["low"] = low
        values["typical"] = typical
        values["high"] = high
        values["notes"] = notes
        values["conditional"] = conditional
        values["fits_budget"] = fits_budget
        values["offer"] = offer
        values["term_months"] = term_months

    def at(self, point: PricePointName) -> Outcome:
        value: Outcome = getattr(self, point)
        return value


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


class Memo:
    """Courses kept across the scenarios of a batch, for one price list: scenarios at the sheet's prices meet the
    same few courses again and again. At most :data:`LIMIT`, all dropped when full, so memory stays flat.

    (Priced options are not kept: with balances, tax rates and prices that vary from scenario to scenario, too
    few repeat to pay for working out their keys.)
    """

    LIMIT = 512  # a sheet has a few dozen courses at its own prices; each kept costs a few KiB
    __slots__ = ("courses", "sheet")

    def __init__(self, sheet: PriceList) -> None:
        self.sheet = sheet
        self.courses: dict[tuple[Any, ...], Course] = {}

    def course(self, treatment_id: str, treatment: Treatment, scenario: Scenario) -> Course:
        """:func:`price_course`, once for each treatment, sessions, boosters, price and add-ons."""
        key = (treatment_id, scenario.sessions, scenario.boosters, scenario.price, scenario.add_ons)
        known = self.courses.get(key)
        if known is None:
            if len(self.courses) >= self.LIMIT:
                self.courses.clear()  # not the oldest alone: a dict's first key is found past every one deleted
            known = self.courses[key] = price_course(treatment_id, treatment, scenario)
        return known


def estimate(sheet: "PriceList | Sheet", scenario: Scenario, *, source: str, memo: Memo | None = None) -> Estimate:
    """Price the course and every payment option that applies (a validated Sheet is read as its PriceList).

    Raises :class:`BadInput` for a scenario out of bounds, wherever it was built (:func:`ketacost.scenario.check`).
    ``memo``, for a batch of scenarios on ``sheet``, keeps what later scenarios may price again.
    """
    check(scenario)
    if not isinstance(sheet, PriceList):
        sheet = from_sheet(sheet)
    treatment_id = scenario.treatment or sheet.default_treatment
    treatment = sheet.treatments.get(treatment_id)
    unknown = [] if treatment is not None else [("treatment", _unknown("treatment", treatment_id, sheet.treatments))]
    rows = grid_rows(sheet)
    unknown += [
        ("options", _unknown("payment option", option_id, sheet.options))
        for option_id in scenario.options
        if option_id not in sheet.options and option_id not in rows and option_id not in sheet.packages
    ]
    unknown += offers.unknown(sheet, scenario)
    if treatment is not None:
        unknown += [("add_ons", message) for message in unknown_add_ons(treatment_id, treatment, scenario)]
    if unknown:
        raise UnknownIds(unknown)
    assert treatment is not None
    if memo is None or memo.sheet is not sheet:  # (a memo kept for another price list is not used)
        course = price_course(treatment_id, treatment, scenario)
    else:
        course = memo.course(treatment_id, treatment, scenario)
    per_session_course = course
    if scenario.package is not None or scenario.discount is not None:
        course = offers.apply(sheet, treatment, course, scenario)
    pricer = Pricer(sheet, course, scenario)
    listed = scenario.options or (
        *sheet.options,
        *(() if scenario.package else offers.packages_for(sheet, treatment_id)),
    )

    def rows_of(option_id: str) -> tuple[OptionEstimate, ...]:
        if option_id in sheet.packages and option_id not in sheet.options:  # a package's own row
            return (offers.package_row(sheet, option_id, treatment, per_session_course, scenario),)
        return pricer.rows(option_id, rows)

    options = tuple(row for option_id in listed for row in rows_of(option_id))
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
        # Every part of a course total rises from low to high, so equal totals (one --price for all three points)
        # mean equal courses: each distinct total is priced once, for the points that share it (what notes hold
        # at), and _shared gives each point's place among them.
        totals = tuple(course.total)
        distinct = tuple(dict.fromkeys(totals))
        self._totals = tuple(
            (total, tuple(p for p, t in zip(POINTS, totals, strict=True) if t == total)) for total in distinct
        )
        self._shared = tuple(distinct.index(total) for total in totals)
        self.points: tuple[PricePointName, ...] = POINTS  # the price points being priced: what notes hold at
        self._funding: dict[Decimal, tuple[Decimal, Decimal, tuple[tuple[str, Decimal, Decimal], ...]]] = {}

    # -- the options ---------------------------------------------------------------------------------------------

    def rows(self, option_id: str, grid: dict[str, tuple[str, int]]) -> tuple[OptionEstimate, ...]:
        """An option's rows: one, or one per term of a lender's grid (``grid``: :func:`grid_rows`)."""
        if option_id in grid:
            return (self.option(*grid[option_id]),)
        expand = kinds.by_kind(self.sheet.options[option_id].kind).expand
        if expand is None:
            return (self.option(option_id),)
        return tuple(self.option(option_id, term) for term in range(len(expand(self.sheet.options[option_id]))))

    def option(self, option_id: str, term: int | None = None) -> OptionEstimate:
        option = self.sheet.options[option_id]
        kind = kinds.by_kind(option.kind)
        notes: list[Note] = []  # not list[Note](): calling a generic alias costs a microsecond
        self.notes = notes
        if option.treatments is not None and self.course.treatment_id not in option.treatments:
            low = typical = high = unavailable(f"not offered for {self.course.treatment}")
        else:
            price = kind.price if term is None else functools.partial(kind.price, term=term)
            priced = []
            for total, points in self._totals:
                self.points = points
                priced.append(price(self, option, total, points[0]))
            at_low, at_typical, at_high = self._shared
            low, typical, high = priced[at_low], priced[at_typical], priced[at_high]
        if option.note:
            notes.append((SAID, (), (option.note,)))
        if term is not None:  # a row of a lender's grid
            months = kind.expand(option)[term]  # type: ignore[misc]
            row = (f"{option_id}_{months}", option.kind, f"{option.name}: {months} months", low, typical, high)
            return OptionEstimate(*row, tuple(notes), kind.conditional, None, option_id, months)
        # Fields by position: id, kind, name, the points, notes, conditional.
        return OptionEstimate(option_id, option.kind, option.name, low, typical, high, tuple(notes), kind.conditional)

    def outcome(self, option: PaymentOption, total: Decimal, point: PricePointName, term: int | None = None) -> Outcome:
        """This option (a grid's: at ``term``) for one course total, at one price point."""
        self.points = (point,)
        price = kinds.by_kind(option.kind).price
        outcome: Outcome = (
            price(self, option, total, point) if term is None else price(self, option, total, point, term=term)
        )
        return outcome

    def note(self, what: str, *values: Any) -> None:
        """Record a note at the price points being priced; its kind's ``NOTES[what]`` words it when shown."""
        self.notes.append((what, self.points, values))

    # -- money that goes first -----------------------------------------------------------------------------------

    def account(self, kind: Literal["hsa", "fsa"]) -> "TaxAccount":
        """The sheet's HSA or FSA terms (the first option of that kind), or the usual ones."""
        for option in self.sheet.options.values():
            if option.kind == kind:
                account: TaxAccount = option  # type: ignore[assignment]
                return account
        record: type[TaxAccount] = kinds.by_kind(kind).record  # type: ignore[assignment]
        return record(
            kind=kind,
            name=kind.upper(),
            note="",
            treatments=None,
            coverage="self_only",
            catch_up=False,
            payroll=kind == "fsa",
        )

    def account_limit(self, option: "TaxAccount") -> Decimal:
        tax = self.sheet.tax
        if option.kind == "fsa":
            return tax.fsa_limit
        limit = tax.hsa_family_limit if option.coverage == "family" else tax.hsa_self_only_limit
        return limit + (tax.hsa_catch_up if option.catch_up else ZERO)

    def savings_rate(self, option: "TaxAccount") -> Decimal:
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
            self.note(FUNDING, parts)
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
        option = self.sheet.options[best.offer or best.id]
        total = self.course.total.typical

        def installments_fit(down: Decimal) -> Outcome | None:
            pricer = Pricer(self.sheet, self.course, self.scenario._replace(down_payment=down))
            term = None if best.term_months is None else grid_rows(self.sheet)[best.id][1]
            outcome = pricer.outcome(option, total, "typical", term)
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


def grid_rows(sheet: PriceList) -> dict[str, tuple[str, int]]:
    """Each row id of a lender's grid (``cherry_12``) -> (the grid's option id, the term)."""
    rows: dict[str, tuple[str, int]] = {}
    for option_id, option in sheet.options.items():
        expand = kinds.by_kind(option.kind).expand
        for term, months in enumerate(expand(option) if expand is not None else ()):
            rows[f"{option_id}_{months}"] = (option_id, term)
    return rows


def _cheapest(options: tuple[OptionEstimate, ...]) -> str | None:
    candidates = [o for o in options if o.typical.available and not o.conditional] or [
        o for o in options if o.typical.available
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda o: o.typical.net_cost).id


def _unknown(what: str, wanted: str, known: object) -> str:
    names = ", ".join(str(name) for name in known)  # type: ignore[attr-defined]
    return f"unknown {what} {wanted!r} (choose from: {names})"
